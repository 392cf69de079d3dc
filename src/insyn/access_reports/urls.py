from django.urls import path

from insyn.access_reports import views

app_name = "access_reports"

urlpatterns = [
    path("", views.AccessReportView.as_view(), name="produce"),
    path("download/", views.AccessReportDownloadView.as_view(), name="download"),
]
