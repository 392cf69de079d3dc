"""Goals: set (baseline from the value where goals are set) and assess."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from insyn.core.api import (
    VersionedMixin,
    version_field,
    versioned_read_schema,
    versioned_write_schema,
)
from insyn.core.roles import Action
from insyn.followup import services
from insyn.followup.api.common import AuditedViewSet, api_error
from insyn.followup.models import (
    Direction,
    Enrollment,
    Goal,
)

# --- goals -----------------------------------------------------------------------------------


class GoalSerializer(serializers.ModelSerializer):
    variable: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )

    class Meta:
        model = Goal
        fields = [
            "id",
            "enrollment",
            "goal_ref",
            "text",
            "variable",
            "baseline",
            "target",
            "direction",
            "set_on",
            "outcome",
            "assessed_on",
            "version",
        ]
        read_only_fields = fields


class GoalSetSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField()
    text = serializers.CharField()
    variable = serializers.CharField(
        required=False, allow_blank=True, help_text="The measure's variable key."
    )
    target = serializers.FloatField(required=False, allow_null=True)
    baseline = serializers.FloatField(
        required=False,
        allow_null=True,
        help_text="Default: the value measured where goals are set.",
    )
    direction = serializers.ChoiceField(
        choices=Direction.choices, required=False, allow_blank=True, default=""
    )
    set_on = serializers.DateField(required=False)
    goal_ref = serializers.CharField(required=False, allow_blank=True, default="")


class GoalAssessSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Goal.Outcome.choices)
    assessed_on = serializers.DateField(required=False)
    version = version_field()


@extend_schema_view(retrieve=versioned_read_schema())
@extend_schema(parameters=[OpenApiParameter("enrollment", int), OpenApiParameter("client", int)])
class GoalViewSet(VersionedMixin, AuditedViewSet):
    """Goals: set (with the baseline from the before value) and assess."""

    serializer_class = GoalSerializer

    def get_base_queryset(self) -> Any:
        qs = Goal.objects.select_related("variable", "enrollment")
        for param, lookup in (("enrollment", "enrollment_id"), ("client", "enrollment__client_id")):
            if (value := self._int_param(param)) is not None:
                qs = qs.filter(**{lookup: value})
        return qs

    @extend_schema(request=GoalSetSerializer, responses={201: GoalSerializer})
    def create(self, request: Request) -> Response:
        data = GoalSetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        enrollment = (
            Enrollment.objects.restrict(request.user, Action.CHANGE_INDIVIDUAL)
            .filter(pk=d["enrollment"])
            .first()
        )
        if enrollment is None:
            raise ValidationError({"enrollment": [_("Unknown enrolment.")]})
        variable = None
        if d.get("variable"):
            variable = enrollment.programme.variables.filter(key=d["variable"]).first()
            if variable is None:
                raise ValidationError({"variable": [_("Not a variable of the programme.")]})
        try:
            goal = services.goal_set(
                actor=request.user,
                enrollment=enrollment,
                text=d["text"],
                variable=variable,
                target=d.get("target"),
                baseline=d.get("baseline"),
                direction=d["direction"],
                set_on=d.get("set_on"),
                goal_ref=d["goal_ref"],
            )
        except DjangoValidationError as exc:
            raise api_error(exc) from exc
        return self._shown(goal, status.HTTP_201_CREATED)

    @versioned_write_schema(GoalAssessSerializer, GoalSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Assess the goal (achieved, partly, not, unknown)."""
        goal = self.get_object()
        data = GoalAssessSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.goal_assess(
                actor=request.user,
                goal=goal,
                outcome=data.validated_data["outcome"],
                assessed_on=data.validated_data.get("assessed_on"),
                expected_version=self.expected_version(data.validated_data.get("version")),
            )
        except DjangoValidationError as exc:
            raise api_error(exc) from exc
        return self._shown(goal)
