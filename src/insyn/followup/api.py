"""REST endpoints of the followup app: programmes (read), enrolments, occasions with values,
goals. Reads of individuals are restricted (VIEW_INDIVIDUAL) and audited per object; writes
call the same services as the web (CHANGE_INDIVIDUAL, re-checked inside the service) and
answer 400 with field messages when the input is wrong."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from insyn.accounts.models import User
from insyn.clients.models import Intervention
from insyn.core.api import ApiExtra, AuditedReadMixin, ScopedViewSetMixin
from insyn.core.audit import record_access
from insyn.core.roles import Action
from insyn.followup import selectors, services
from insyn.followup.models import (
    Direction,
    Enrollment,
    Goal,
    NonResponseReason,
    Occasion,
    Option,
    Programme,
    Stage,
    StageVariable,
    Variable,
)
from insyn.followup.scoring import band_for
from insyn.followup.services.recording import values_summary

WRITE_ACTIONS = {"create", "partial_update"}


def _api_error(exc: DjangoValidationError, values_keys: set[str] | None = None) -> ValidationError:
    """A service's ValidationError as a DRF 400 body; value errors go under "values"."""
    if not hasattr(exc, "error_dict"):
        return ValidationError({"non_field_errors": exc.messages})
    body: dict[str, Any] = {}
    for key, messages in exc.message_dict.items():
        if values_keys is not None and key not in values_keys:
            body.setdefault("values", {})[key] = messages
        else:
            body[key if key != "__all__" else "non_field_errors"] = messages
    return ValidationError(body)


# --- programmes ------------------------------------------------------------------------------


class OptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["code", "label", "label_en", "value", "is_missing"]
        read_only_fields = fields


class VariableSerializer(serializers.ModelSerializer):
    option_set: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )
    instrument: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )
    options = serializers.SerializerMethodField()

    class Meta:
        model = Variable
        fields = [
            "key",
            "label",
            "type",
            "help_text",
            "option_set",
            "options",
            "instrument",
            "unit",
            "min_value",
            "max_value",
            "direction",
            "is_main_measure",
        ]

    @extend_schema_field(OptionSerializer(many=True))
    def get_options(self, variable: Variable) -> list[dict[str, Any]]:
        if variable.option_set is None:
            return []
        return list(OptionSerializer(variable.option_set.options.all(), many=True).data)


class StageVariableSerializer(serializers.ModelSerializer):
    variable: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )

    class Meta:
        model = StageVariable
        fields = ["variable", "required"]


class StageSerializer(serializers.ModelSerializer):
    variables = StageVariableSerializer(source="stage_variables", many=True, read_only=True)

    class Meta:
        model = Stage
        fields = [
            "key",
            "name",
            "kind",
            "anchor",
            "offset_days",
            "window_before_days",
            "window_after_days",
            "sets_goals",
            "assesses_goals",
            "variables",
        ]


class ProgrammeSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    intervention_types: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    stages = StageSerializer(many=True, read_only=True)
    variables = VariableSerializer(many=True, read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "key",
            "version",
            "name",
            "status",
            "published_at",
            "previous",
            "owner",
            "owner_name",
            "purpose",
            "target_group",
            "intervention_types",
            "units",
            "auto_enroll",
            "sampling",
            "sampling_days",
            "sampling_from",
            "sampling_to",
            "stages",
            "variables",
        ]
        read_only_fields = fields


@extend_schema(
    parameters=[
        OpenApiParameter("key", str, description="Only versions of this programme key."),
        OpenApiParameter("status", str, description="draft, published or retired."),
    ]
)
class ProgrammeViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Follow-up programmes that apply to the user's units (drafts only for their designers),
    with stages and variables. No personal data."""

    personal_data: ClassVar[bool] = False
    serializer_class = ProgrammeSerializer
    scope_action = Action.VIEW_ORG

    def get_queryset(self) -> Any:
        qs = selectors.programmes_visible(self.request.user).prefetch_related(
            "intervention_types",
            "units",
            "stages__stage_variables__variable",
            "variables__option_set__options",
            "variables__instrument",
        )
        params = self.request.query_params
        if params.get("key"):
            qs = qs.filter(key=params["key"])
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        return qs.order_by("key", "-version")


# --- enrolments ----------------------------------------------------------------------------


class EnrollmentSerializer(serializers.ModelSerializer):
    programme_key = serializers.CharField(source="programme.key", read_only=True)
    programme_version = serializers.IntegerField(source="programme.version", read_only=True)
    client_ref = serializers.CharField(source="client.client_ref", read_only=True)
    occasions: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "programme",
            "programme_key",
            "programme_version",
            "client",
            "client_ref",
            "intervention",
            "unit",
            "responsible",
            "method",
            "status",
            "enrolled_on",
            "occasions",
        ]
        read_only_fields = fields


class EnrollmentChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[Enrollment.Status.WITHDRAWN], required=False, help_text="withdrawn"
    )
    responsible = serializers.IntegerField(
        required=False, allow_null=True, help_text="A user id, or null for nobody."
    )


class EnrolSerializer(serializers.Serializer):
    programme = serializers.IntegerField(help_text="A published programme version's id.")
    intervention = serializers.IntegerField()


class AuditedViewSet(AuditedReadMixin, viewsets.GenericViewSet):
    """Reads audited and restricted to VIEW_INDIVIDUAL; writes restricted to CHANGE_INDIVIDUAL."""

    scope_action = Action.VIEW_INDIVIDUAL
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        action_ = Action.CHANGE_INDIVIDUAL if self.action in WRITE_ACTIONS else self.scope_action
        return self.get_base_queryset().restrict(self.request.user, action_)

    def _shown(self, obj: Any, status_code: int = status.HTTP_200_OK) -> Response:
        """A write answers with the object as it is now: that is a read, so it is audited."""
        obj.refresh_from_db()
        record_access(actor=self.request.user, action="view", objects=[obj])
        return Response(self.get_serializer(obj).data, status=status_code)

    def _int_param(self, name: str) -> int | None:
        value = self.request.query_params.get(name, "")
        return int(value) if value.isdigit() else None


@extend_schema(
    parameters=[
        OpenApiParameter("client", int),
        OpenApiParameter("intervention", int),
        OpenApiParameter("programme", str, description="Programme key."),
        OpenApiParameter("status", str, description="active, completed or withdrawn."),
    ]
)
class EnrollmentViewSet(AuditedViewSet):
    """Clients followed up under a programme version; enrol by hand; withdraw."""

    serializer_class = EnrollmentSerializer

    def get_base_queryset(self) -> Any:
        qs = Enrollment.objects.select_related("programme", "client").prefetch_related("occasions")
        for param, lookup in (("client", "client_id"), ("intervention", "intervention_id")):
            if (value := self._int_param(param)) is not None:
                qs = qs.filter(**{lookup: value})
        if self.request.query_params.get("programme"):
            qs = qs.filter(programme__key=self.request.query_params["programme"])
        if self.request.query_params.get("status"):
            qs = qs.filter(status=self.request.query_params["status"])
        return qs

    @extend_schema(request=EnrolSerializer, responses={201: EnrollmentSerializer})
    def create(self, request: Request) -> Response:
        data = EnrolSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        interventions = Intervention.objects.restrict(request.user, Action.CHANGE_INDIVIDUAL)
        intervention = interventions.filter(pk=data.validated_data["intervention"]).first()
        if intervention is None:
            raise ValidationError({"intervention": [_("Unknown intervention.")]})
        programme = (
            selectors.programmes_visible(request.user)
            .filter(pk=data.validated_data["programme"])
            .first()
        )
        if programme is None:
            raise ValidationError({"programme": [_("Unknown programme.")]})
        try:
            enrollment = services.enrollment_create(
                actor=request.user, programme=programme, intervention=intervention
            )
        except DjangoValidationError as exc:
            raise _api_error(exc) from exc
        return self._shown(enrollment, status.HTTP_201_CREATED)

    @extend_schema(request=EnrollmentChangeSerializer, responses=EnrollmentSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Withdraw ({"status": "withdrawn"}) or change the responsible case worker."""
        enrollment = self.get_object()
        data = EnrollmentChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        try:
            if "responsible" in d:
                user = (
                    User.objects.filter(pk=d["responsible"]).first() if d["responsible"] else None
                )
                if d["responsible"] and user is None:
                    raise ValidationError({"responsible": [_("Unknown user.")]})
                services.enrollment_assign(
                    actor=request.user, enrollment=enrollment, responsible=user
                )
            if d.get("status") == Enrollment.Status.WITHDRAWN:
                services.enrollment_withdraw(actor=request.user, enrollment=enrollment)
        except DjangoValidationError as exc:
            raise _api_error(exc) from exc
        return self._shown(enrollment)


# --- occasions -----------------------------------------------------------------------------


class ScoreSerializer(serializers.Serializer):
    total = serializers.FloatField(allow_null=True)
    band = serializers.CharField(allow_blank=True)
    band_label = serializers.CharField(allow_blank=True)


class OccasionSerializer(serializers.ModelSerializer):
    stage = serializers.CharField(source="stage.key", read_only=True)
    stage_name = serializers.CharField(source="stage.name", read_only=True)
    kind = serializers.CharField(source="stage.kind", read_only=True)
    client = serializers.IntegerField(source="enrollment.client_id", read_only=True)
    non_response_reason: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    values = serializers.SerializerMethodField()
    scores = serializers.SerializerMethodField()

    class Meta:
        model = Occasion
        fields = [
            "id",
            "enrollment",
            "client",
            "stage",
            "stage_name",
            "kind",
            "due_on",
            "window_start",
            "window_end",
            "status",
            "done_on",
            "non_response_reason",
            "note",
            "values",
            "scores",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": {},
            "description": 'Values by variable key; instrument items as "<key>.<item>"; '
            "a multiple choice is a list of option codes.",
        }
    )
    def get_values(self, occasion: Occasion) -> dict[str, Any]:
        return values_summary(occasion)

    @extend_schema_field(serializers.DictField(child=ScoreSerializer()))
    def get_scores(self, occasion: Occasion) -> dict[str, dict[str, Any]]:
        sex = occasion.enrollment.client.sex
        result = {}
        totals = occasion.values.filter(
            variable__type=Variable.Type.INSTRUMENT, item__isnull=True
        ).select_related("variable__instrument")
        for value in totals:
            instrument = value.variable.instrument
            band = band_for(instrument, value.number, sex) if instrument else None
            result[value.variable.key] = {
                "total": value.number,
                "band": band.code if band else "",
                "band_label": band.label if band else "",
            }
        return result


class OccasionChangeSerializer(serializers.Serializer):
    values = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text='{"audit.q1": "2", …, "problem_days": 12}: keys as in the occasion.',
    )
    non_response_reason = serializers.CharField(
        required=False, help_text="A non-response reason code, instead of values."
    )
    done_on = serializers.DateField(required=False, help_text="Default: today.")
    note = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema(
    parameters=[
        OpenApiParameter("enrollment", int),
        OpenApiParameter("client", int),
        OpenApiParameter("status", str, description="planned, due, overdue, done or missed."),
        OpenApiParameter("due_before", OpenApiTypes.DATE),
    ]
)
class OccasionViewSet(AuditedViewSet):
    """Occasions with their values and instrument scores; record them or record
    non-response."""

    serializer_class = OccasionSerializer

    def get_base_queryset(self) -> Any:
        qs = Occasion.objects.select_related(
            "stage", "enrollment__client", "non_response_reason"
        ).order_by("due_on", "id")
        for param, lookup in (("enrollment", "enrollment_id"), ("client", "enrollment__client_id")):
            if (value := self._int_param(param)) is not None:
                qs = qs.filter(**{lookup: value})
        params = self.request.query_params
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("due_before"):
            try:
                qs = qs.filter(due_on__lte=dt.date.fromisoformat(params["due_before"]))
            except ValueError as exc:
                raise ValidationError({"due_before": [_("Enter a date as YYYY-MM-DD.")]}) from exc
        return qs

    @extend_schema(request=OccasionChangeSerializer, responses=OccasionSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Record the occasion ({"values": …, "done_on": …}), or record non-response
        ({"non_response_reason": "<code>"}). Values are checked by the same rules as the form."""
        occasion = self.get_object()
        data = OccasionChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        try:
            if d.get("non_response_reason"):
                reason = NonResponseReason.objects.filter(code=d["non_response_reason"]).first()
                if reason is None:
                    raise ValidationError(
                        {"non_response_reason": [_("Unknown non-response reason.")]}
                    )
                services.occasion_mark_missed(
                    actor=request.user,
                    occasion=occasion,
                    reason=reason,
                    on=d.get("done_on"),
                    note=d["note"],
                )
            else:
                if "values" not in d:
                    raise ValidationError(
                        {"values": [_("Give the values, or a non-response reason.")]}
                    )
                services.occasion_record(
                    actor=request.user,
                    occasion=occasion,
                    values=d["values"],
                    done_on=d.get("done_on") or dt.date.today(),
                    note=d["note"],
                )
        except DjangoValidationError as exc:
            raise _api_error(exc, values_keys={"done_on", "__all__"}) from exc
        return self._shown(occasion)


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


@extend_schema(parameters=[OpenApiParameter("enrollment", int), OpenApiParameter("client", int)])
class GoalViewSet(AuditedViewSet):
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
            raise _api_error(exc) from exc
        return self._shown(goal, status.HTTP_201_CREATED)

    @extend_schema(request=GoalAssessSerializer, responses=GoalSerializer)
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
            )
        except DjangoValidationError as exc:
            raise _api_error(exc) from exc
        return self._shown(goal)


def register(router: DefaultRouter) -> list[ApiExtra]:
    """Add this app's viewsets to the router; return extra (non-router) API paths."""
    router.register("followup/programmes", ProgrammeViewSet, basename="programme")
    router.register("followup/enrollments", EnrollmentViewSet, basename="enrollment")
    router.register("followup/occasions", OccasionViewSet, basename="occasion")
    router.register("followup/goals", GoalViewSet, basename="goal")
    return []
