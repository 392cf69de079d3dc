"""REST endpoints of action plans and their items. Reads through the same selector as the web
(view_quality in the subtree, or the plans where one is responsible for an item) and audited;
writes through the same services (handle_quality; an item's responsible person may move their
own item). Out of scope answers the same JSON 404 as missing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from insyn.accounts.models import User
from insyn.core.api import (
    AuditedReadMixin,
    VersionedMixin,
    int_param,
    service_error,
    version_field,
    versioned_read_schema,
    versioned_write_schema,
)
from insyn.core.audit import record_access
from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope
from insyn.organisations.models import OrgUnit
from insyn.quality.forms.action_plans import SOURCE_KINDS
from insyn.quality.models import ActionItem, ActionPlan, Complaint, Deviation, LexSarahReport
from insyn.quality.selectors import action_plans as selectors
from insyn.quality.services import action_plans as services

MAX_ID = 2**31 - 1
TEXT_MAX = 20000


def _id(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def _text(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=TEXT_MAX, **kwargs)


class ActionPlanSerializer(serializers.ModelSerializer):
    source_kind = serializers.SerializerMethodField()
    source_id = serializers.SerializerMethodField()

    class Meta:
        model = ActionPlan
        fields = [
            "id",
            "unit",
            "title",
            "problem",
            "goal",
            "owner",
            "status",
            "source_kind",
            "source_id",
            "follow_up_on",
            "followed_up_on",
            "outcome",
            "outcome_text",
            "created_at",
            "version",
        ]
        read_only_fields = fields

    def get_source_kind(self, plan: ActionPlan) -> str:
        """deviation, complaint, lex_sarah_report or "" (none)."""
        for kind in ("deviation", "complaint", "lex_sarah_report"):
            if getattr(plan, f"{kind}_id"):
                return kind
        return ""

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_source_id(self, plan: ActionPlan) -> int | None:
        """The source's id, only when the caller may read the source itself."""
        kind = self.get_source_kind(plan)
        if not kind:
            return None
        source = getattr(plan, kind)
        request = self.context.get("request")
        user = request.user if request is not None else None
        return int(source.pk) if services.source_visible(user, source) else None


class ActionItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionItem
        fields = [
            "id",
            "plan",
            "activity",
            "responsible",
            "due_on",
            "status",
            "result",
            "done_on",
            "version",
        ]
        read_only_fields = fields


class PlanCreateSerializer(serializers.Serializer):
    unit = _id(required=False, help_text="Default: the source's unit.")
    title = serializers.CharField(max_length=200)
    problem = _text()
    goal = _text(required=False, allow_blank=True, default="")
    owner = _id()
    follow_up_on = serializers.DateField(required=False, allow_null=True)
    deviation = _id(required=False)
    complaint = _id(required=False)
    lex_sarah_report = _id(required=False)


class PlanUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    problem = _text(required=False)
    goal = _text(required=False, allow_blank=True)
    owner = _id(required=False)
    follow_up_on = serializers.DateField(required=False, allow_null=True)
    version = version_field()


class FollowUpSerializer(serializers.Serializer):
    followed_up_on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=ActionPlan.Outcome.choices)
    outcome_text = _text()
    version = version_field()


class ActionPlanCloseSerializer(serializers.Serializer):
    version = version_field()


class ItemCreateSerializer(serializers.Serializer):
    plan = _id()
    activity = _text()
    responsible = _id()
    due_on = serializers.DateField()


class ItemUpdateSerializer(serializers.Serializer):
    activity = _text(required=False)
    responsible = _id(required=False)
    due_on = serializers.DateField(required=False)
    version = version_field()


class ItemTransitionSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=list(services.ITEM_FLOW.transitions))
    result = _text(required=False, allow_blank=True, default="")
    done_on = serializers.DateField(required=False, allow_null=True)
    version = version_field()


def _user(pk: int, field: str) -> User:
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise ValidationError({field: [_("Unknown user.")]})
    return user


class _Base(VersionedMixin, AuditedReadMixin, viewsets.GenericViewSet):
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _shown(self, obj: Any, code: int = status.HTTP_200_OK) -> Response:
        obj.refresh_from_db()
        record_access(actor=self.request.user, action="view", objects=[obj])
        return Response(self.get_serializer(obj).data, status=code)


@extend_schema_view(retrieve=versioned_read_schema())
@extend_schema(
    parameters=[
        OpenApiParameter("status", str, enum=ActionPlan.Status.values),
        OpenApiParameter("unit", int, description="Plans of this unit's subtree."),
        OpenApiParameter("source", str, enum=[k for k, _label in SOURCE_KINDS if k]),
        OpenApiParameter("overdue", bool, description="Only plans with an overdue open item."),
    ]
)
class ActionPlanViewSet(_Base):
    """Action plans: list, read, create, change; follow up and close."""

    serializer_class = ActionPlanSerializer

    def get_base_queryset(self) -> Any:
        return ActionPlan.objects.all()

    def get_queryset(self) -> Any:
        if self.action != "list":
            return selectors.action_plans_visible(self.request.user)
        params = self.request.query_params
        unit = None
        if (unit_id := int_param(self.request, "unit")) is not None:
            unit = OrgUnit.objects.filter(pk=unit_id).first() or OrgUnit(path="/none/")
        return (
            selectors.action_plans_filtered(
                self.request.user,
                status=params.get("status", ""),
                unit=unit,
                source=params.get("source", ""),
                overdue=params.get("overdue", "").lower() in ("1", "true"),
                today=timezone.localdate(),
            )
            .order_by("-created_at", "-id")
            .select_related(  # source_id checks each source's unit
                "deviation__unit", "complaint__unit", "lex_sarah_report__unit"
            )
        )

    def handled(self) -> ActionPlan:
        plan: ActionPlan = self.get_object()
        if not path_in_scope(self.request.user, Action.HANDLE_QUALITY, plan.unit.path):
            raise Http404
        return plan

    @extend_schema(request=PlanCreateSerializer, responses={201: ActionPlanSerializer})
    def create(self, request: Request) -> Response:
        data = PlanCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        user = request.user
        sources: dict[str, Any] = {}
        lookups: dict[str, Any] = {
            "deviation": lambda: Deviation.objects.restrict(user, Action.VIEW_QUALITY),
            "complaint": lambda: Complaint.objects.restrict(user, Action.VIEW_QUALITY),
            "lex_sarah_report": lambda: (
                LexSarahReport.objects.restrict(user, Action.VIEW_LEX_SARAH)
                | LexSarahReport.objects.restrict(user, Action.HANDLE_LEX_SARAH)
            ),
        }
        for kind, queryset in lookups.items():
            if (pk := d.pop(kind, None)) is not None:
                found = queryset().filter(pk=pk).first()
                if found is None:
                    raise ValidationError({kind: [_("Unknown source.")]})
                sources[kind] = found
        unit = None
        if (unit_id := d.pop("unit", None)) is not None:
            unit = OrgUnit.objects.filter(pk=unit_id, active=True).first()
            if unit is None or not path_in_scope(user, Action.HANDLE_QUALITY, unit.path):
                raise ValidationError({"unit": [_("Unknown unit.")]})
        try:
            plan = services.action_plan_create(
                actor=user, unit=unit, owner=_user(d.pop("owner"), "owner"), **d, **sources
            )
        except Http404 as exc:
            raise ValidationError({"unit": [_("Unknown unit.")]}) from exc
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._shown(plan, status.HTTP_201_CREATED)

    @versioned_write_schema(PlanUpdateSerializer, ActionPlanSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        plan = self.handled()
        data = PlanUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        version = d.pop("version", None)
        if "owner" in d:
            d["owner"] = _user(d["owner"], "owner")
        try:
            services.action_plan_update(
                actor=request.user, plan=plan, expected_version=self.expected_version(version), **d
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._shown(plan)

    @versioned_write_schema(FollowUpSerializer, ActionPlanSerializer)
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request: Request, pk: str | None = None) -> Response:
        """Record whether the plan worked (every item done or cancelled first)."""
        plan = self.handled()
        data = FollowUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        version = d.pop("version", None)
        try:
            services.action_plan_follow_up(
                actor=request.user, plan=plan, expected_version=self.expected_version(version), **d
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._shown(plan)

    @versioned_write_schema(ActionPlanCloseSerializer, ActionPlanSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """Close the plan; nothing in it changes afterwards."""
        plan = self.handled()
        data = ActionPlanCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.action_plan_close(
                actor=request.user,
                plan=plan,
                expected_version=self.expected_version(data.validated_data.get("version")),
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._shown(plan)


@extend_schema_view(retrieve=versioned_read_schema())
@extend_schema(
    parameters=[
        OpenApiParameter("plan", int),
        OpenApiParameter("mine", bool, description="Only items you are responsible for."),
    ]
)
class ActionItemViewSet(_Base):
    """Items of action plans: list, read, add, change; move along planned → ongoing → done /
    cancelled (`transition`)."""

    serializer_class = ActionItemSerializer

    def get_base_queryset(self) -> Any:
        return ActionItem.objects.all()

    def get_queryset(self) -> Any:
        qs = selectors.action_items_visible(self.request.user)
        if self.action == "list":
            if (plan := int_param(self.request, "plan")) is not None:
                qs = qs.filter(plan_id=plan)
            if self.request.query_params.get("mine", "").lower() in ("1", "true"):
                qs = qs.filter(responsible_id=self.request.user.pk)
        return qs.order_by("due_on", "id")

    @extend_schema(request=ItemCreateSerializer, responses={201: ActionItemSerializer})
    def create(self, request: Request) -> Response:
        data = ItemCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        plan = selectors.action_plans_visible(request.user).filter(pk=d.pop("plan")).first()
        if plan is None or not path_in_scope(request.user, Action.HANDLE_QUALITY, plan.unit.path):
            raise ValidationError({"plan": [_("Unknown action plan.")]})
        try:
            item = services.action_item_add(
                actor=request.user,
                plan=plan,
                activity=d["activity"],
                responsible=_user(d["responsible"], "responsible"),
                due_on=d["due_on"],
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._shown(item, status.HTTP_201_CREATED)

    @versioned_write_schema(ItemUpdateSerializer, ActionItemSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        item: ActionItem = self.get_object()
        if not path_in_scope(request.user, Action.HANDLE_QUALITY, item.plan.unit.path):
            raise Http404
        data = ItemUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        version = d.pop("version", None)
        if "responsible" in d:
            d["responsible"] = _user(d["responsible"], "responsible")
        try:
            services.action_item_update(
                actor=request.user, item=item, expected_version=self.expected_version(version), **d
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._shown(item)

    @versioned_write_schema(ItemTransitionSerializer, ActionItemSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """start, complete (needs `result`) or cancel (needs the reason in `result`)."""
        item: ActionItem = self.get_object()
        if not services.may_work_on(request.user, item):
            raise Http404
        data = ItemTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        try:
            services.action_item_transition(
                actor=request.user,
                item=item,
                action=d["step"],
                result=d["result"],
                done_on=d.get("done_on"),
                expected_version=self.expected_version(d.get("version")),
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._shown(item)


def register(router: BaseRouter) -> None:
    router.register("quality/action-plans", ActionPlanViewSet, basename="action-plan")
    router.register("quality/action-items", ActionItemViewSet, basename="action-item")
