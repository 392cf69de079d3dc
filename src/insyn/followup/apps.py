from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "insyn.followup"
    label = "followup"
    verbose_name = _("Follow-up")

    def ready(self) -> None:
        from insyn.clients.services.cases import on_case_moved
        from insyn.clients.services.interventions import on_intervention_changed
        from insyn.clients.timeline import register_journey_contributor
        from insyn.core.catalogue_loader import on_row_changed
        from insyn.core.navigation import HomePanel, NavItem, register_nav, register_panel
        from insyn.core.roles import Action
        from insyn.followup.journey import followup_journey
        from insyn.followup.services.enrollment import intervention_changed
        from insyn.followup.services.instruments import on_item_changed
        from insyn.followup.services.moves import enrollments_follow_case
        from insyn.followup.views.worklist import worklist_panel

        on_case_moved(enrollments_follow_case)  # enrolments go where their case goes
        on_row_changed("followup.InstrumentItem", on_item_changed)  # answers follow their item
        on_intervention_changed(intervention_changed)  # occasions follow, matching ones enrol
        register_journey_contributor(followup_journey)  # the client page shows follow-up

        register_nav(
            NavItem(
                "followup_worklist",
                _("My follow-ups"),
                "followup:worklist",
                Action.CHANGE_INDIVIDUAL,
                order=10,
            )
        )
        register_nav(
            NavItem(
                "followup_completion",
                _("Follow-up completion"),
                "followup:completion",
                Action.VIEW_TEAM,
                order=40,
            )
        )
        register_nav(
            NavItem(
                "followup_programmes",
                _("Programmes"),
                "followup:programmes",
                Action.VIEW_ORG,
                order=60,
            )
        )
        register_panel(
            HomePanel(
                "followup_worklist",
                "followup/panel.html",
                Action.CHANGE_INDIVIDUAL,
                order=100,
                context=worklist_panel,
                personal_data=True,
            )
        )
