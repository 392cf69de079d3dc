from django.urls import path

from insyn.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.ImportView.as_view(), name="upload"),
    path("<int:pk>/", views.BatchView.as_view(), name="batch"),
]
