from django.urls import path

from insyn.surveys.views import handout, public, questionnaires, responses, results

app_name = "surveys"

urlpatterns = [
    path("", questionnaires.QuestionnaireListView.as_view(), name="questionnaires"),
    path("q/<int:pk>/", questionnaires.QuestionnaireDetailView.as_view(), name="questionnaire"),
    path("q/<int:pk>/edit/", questionnaires.QuestionnaireEditView.as_view(), name="edit"),
    path("q/<int:pk>/export.yaml", questionnaires.QuestionnaireExportView.as_view(), name="export"),
    path("occasions/", responses.OccasionListView.as_view(), name="occasions"),
    path("occasions/<int:pk>/", responses.OccasionSurveysView.as_view(), name="occasion"),
    path("responses/<int:pk>/", responses.ResponseDetailView.as_view(), name="response"),
    path("responses/<int:pk>/enter/", responses.ResponseEnterView.as_view(), name="response_enter"),
    path("links/print/", handout.HandoutView.as_view(), name="handout"),
    path("messages/<int:pk>/", responses.MessageEditView.as_view(), name="message"),
    path("results/", results.ResultsView.as_view(), name="results"),
    path("results/export", results.ResultsExportView.as_view(), name="results_export"),
    path("results/<slug:key>/free-text/", results.FreeTextView.as_view(), name="free_text"),
    path("rounds/", results.RoundListView.as_view(), name="rounds"),
    path("rounds/<int:pk>/", results.RoundDetailView.as_view(), name="round"),
    path("a/done/", public.ReceiptView.as_view(), name="receipt"),
    path("a/<str:token>/", public.AnswerView.as_view(), name="answer"),
]
