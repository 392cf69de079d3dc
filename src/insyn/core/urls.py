from django.urls import path

from insyn.core import views

app_name = "core"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("audit/", views.AuditView.as_view(), name="audit"),
    path("audit/export.csv", views.AuditExportView.as_view(), name="audit_export"),
]
