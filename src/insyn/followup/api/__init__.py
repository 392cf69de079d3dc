"""REST endpoints of the followup app: programmes (read), enrolments, occasions with values,
goals. Reads of individuals are restricted (VIEW_INDIVIDUAL) and audited per object; writes
call the same services as the web (CHANGE_INDIVIDUAL, re-checked inside the service) and
answer 400 with field messages when the input is wrong."""

from rest_framework.routers import DefaultRouter

from insyn.core.api import ApiExtra
from insyn.followup.api.goals import GoalViewSet
from insyn.followup.api.programmes import ProgrammeViewSet
from insyn.followup.api.records import EnrollmentViewSet, OccasionViewSet


def register(router: DefaultRouter) -> list[ApiExtra]:
    """Add this app's viewsets to the router; return extra (non-router) API paths."""
    router.register("followup/programmes", ProgrammeViewSet, basename="programme")
    router.register("followup/enrollments", EnrollmentViewSet, basename="enrollment")
    router.register("followup/occasions", OccasionViewSet, basename="occasion")
    router.register("followup/goals", GoalViewSet, basename="goal")
    return []
