from django.urls import path

from insyn.analytics import dashboard, views, views_export

app_name = "analytics"

urlpatterns = [
    path("", views.AnalysisHomeView.as_view(), name="home"),
    path("query/", views.AnalysisView.as_view(), name="index"),
    path("chart.svg", views.ChartView.as_view(), name="chart"),
    path("export", views.ExportView.as_view(), name="export"),
    path("saved/", views.SavedCreateView.as_view(), name="saved_create"),
    path("saved/<int:pk>/", views.SavedOpenView.as_view(), name="saved_open"),
    path("saved/<int:pk>/delete/", views.SavedDeleteView.as_view(), name="saved_delete"),
    path("overview/", dashboard.DashboardView.as_view(), name="dashboard"),
    path("overview/trend.svg", dashboard.DashboardChartView.as_view(), name="dashboard_chart"),
    path("frame/", views_export.FrameExportView.as_view(), name="frame_export"),
    path("frame/download", views_export.FrameDownloadView.as_view(), name="frame_download"),
]
