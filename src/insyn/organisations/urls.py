from django.urls import path

from insyn.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.OrgRootView.as_view(), name="root"),
    path("<int:pk>/", views.OrgUnitView.as_view(), name="unit"),
]
