from django.urls import path

from insyn.clients.views import cases, casework, catalogues, clients, providers

app_name = "clients"

urlpatterns = [
    path("", clients.ClientListView.as_view(), name="client_list"),
    path("new/", clients.ClientRegisterView.as_view(), name="client_register"),
    path("<int:pk>/", clients.ClientDetailView.as_view(), name="client_detail"),
    path("<int:pk>/edit/", clients.ClientEditView.as_view(), name="client_edit"),
    path("<int:pk>/cases/new/", cases.CaseOpenView.as_view(), name="case_open"),
    path("existing/<str:token>/", cases.CaseOpenView.as_view(), name="case_open_existing"),
    path("cases/", cases.CaseListView.as_view(), name="case_list"),
    path("cases/<int:pk>/", cases.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/edit/", cases.CaseEditView.as_view(), name="case_edit"),
    path(
        "cases/<int:pk>/decisions/new/",
        cases.DecisionCreateView.as_view(),
        name="decision_create",
    ),
    path(
        "decisions/<int:pk>/edit/",
        cases.DecisionUpdateView.as_view(),
        name="decision_update",
    ),
    path(
        "cases/<int:pk>/interventions/new/",
        cases.InterventionCreateView.as_view(),
        name="intervention_create",
    ),
    path(
        "interventions/<int:pk>/edit/",
        cases.InterventionUpdateView.as_view(),
        name="intervention_update",
    ),
    path(
        "cases/<int:pk>/investigations/new/",
        casework.InvestigationCreateView.as_view(),
        name="investigation_create",
    ),
    path(
        "investigations/<int:pk>/edit/",
        casework.InvestigationUpdateView.as_view(),
        name="investigation_update",
    ),
    path(
        "decisions/<int:pk>/appeals/new/",
        casework.AppealCreateView.as_view(),
        name="appeal_create",
    ),
    path("appeals/<int:pk>/edit/", casework.AppealUpdateView.as_view(), name="appeal_update"),
    path(
        "decisions/<int:pk>/execution/",
        casework.DecisionExecutionView.as_view(),
        name="decision_execution",
    ),
    path("catalogues/", catalogues.CatalogueView.as_view(), name="catalogues"),
    path("providers/", providers.ProviderListView.as_view(), name="provider_list"),
    path("providers/new/", providers.ProviderCreateView.as_view(), name="provider_create"),
    path("providers/<int:pk>/", providers.ProviderUpdateView.as_view(), name="provider_update"),
]
