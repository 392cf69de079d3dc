from django.urls import path

from insyn.followup.views import design, records, sample_size, worklist

app_name = "followup"

urlpatterns = [
    path("my/", worklist.WorklistView.as_view(), name="worklist"),
    path("completion/", worklist.CompletionView.as_view(), name="completion"),
    path("completion/export", worklist.CompletionExportView.as_view(), name="completion_export"),
    # step 1: design
    path("programmes/", design.ProgrammeListView.as_view(), name="programmes"),
    path("programmes/new/", design.ProgrammeCreateView.as_view(), name="programme_create"),
    path("programmes/import/", design.ProgrammeImportView.as_view(), name="programme_import"),
    path("programmes/<int:pk>/", design.ProgrammeDetailView.as_view(), name="programme"),
    path("programmes/<int:pk>/edit/", design.ProgrammeEditView.as_view(), name="programme_edit"),
    path(
        "programmes/<int:pk>/sample-size/",
        sample_size.SampleSizeView.as_view(),
        name="programme_sample_size",
    ),
    path(
        "programmes/<int:pk>/action/", design.ProgrammeActionView.as_view(), name="programme_action"
    ),
    path(
        "programmes/<int:pk>/export.yaml",
        design.ProgrammeExportView.as_view(),
        name="programme_export",
    ),
    path("programmes/<int:pk>/stages/new/", design.StageEditView.as_view(), name="stage_create"),
    path(
        "programmes/<int:pk>/stages/<int:stage_pk>/",
        design.StageEditView.as_view(),
        name="stage_edit",
    ),
    path(
        "programmes/<int:pk>/stages/<int:stage_pk>/variables/",
        design.StageVariablesView.as_view(),
        name="stage_variables",
    ),
    path(
        "programmes/<int:pk>/variables/new/",
        design.VariableEditView.as_view(),
        name="variable_create",
    ),
    path(
        "programmes/<int:pk>/variables/<int:variable_pk>/",
        design.VariableEditView.as_view(),
        name="variable_edit",
    ),
    path("option-sets/", design.OptionSetListView.as_view(), name="option_sets"),
    path("option-sets/new/", design.OptionSetEditView.as_view(), name="option_set_create"),
    path("option-sets/<int:pk>/", design.OptionSetEditView.as_view(), name="option_set_edit"),
    # steps 2–4: individuals
    path(
        "interventions/<int:pk>/",
        records.InterventionFollowupView.as_view(),
        name="intervention",
    ),
    path("enrolments/<int:pk>/", records.EnrollmentView.as_view(), name="enrollment"),
    path("occasions/<int:pk>/", records.OccasionView.as_view(), name="occasion"),
    path(
        "occasions/<int:pk>/record/", records.OccasionRecordView.as_view(), name="occasion_record"
    ),
    path(
        "instruments/<slug:key>/score/",
        records.InstrumentScoreView.as_view(),
        name="instrument_score",
    ),
]
