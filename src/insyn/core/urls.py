from django.urls import path

from insyn.core import help_page, views

app_name = "core"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("help/", help_page.HelpView.as_view(), name="help"),
    path("healthz", views.healthz, name="healthz"),
    path("audit/", views.AuditView.as_view(), name="audit"),
    path("audit/export.csv", views.AuditExportView.as_view(), name="audit_export"),
]
