"""REST endpoints of the annual cycle: activities (list, read, create, change, install the
default cycle) and tasks (list, read, change, move along the workflow, generate a year). Reads
through the same selectors as the web, writes through the same services; out of scope
answers the same JSON 404 as missing. Org data: no access entries."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from insyn.accounts.models import User
from insyn.core.api import (
    ScopedViewSetMixin,
    VersionedMixin,
    int_param,
    service_error,
    version_field,
    versioned_read_schema,
    versioned_write_schema,
)
from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope
from insyn.organisations.models import OrgUnit
from insyn.quality.models import CycleActivity, CycleTask
from insyn.quality.selectors import cycle as selectors
from insyn.quality.services import cycle as services

MAX_ID = 2**31 - 1
TEXT_MAX = 20000


def _id(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class CycleActivitySerializer(serializers.ModelSerializer):
    class Meta:
        model = CycleActivity
        fields = [
            "id",
            "municipality",
            "unit",
            "code",
            "title",
            "description",
            "reported_to",
            "frequency",
            "month",
            "day",
            "first_year",
            "method",
            "responsible_role",
            "responsible",
            "linked",
            "active",
            "sort_order",
            "version",
        ]
        read_only_fields = fields


class CycleTaskSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="activity.title", read_only=True)
    reported_to = serializers.CharField(source="activity.reported_to", read_only=True)

    class Meta:
        model = CycleTask
        fields = [
            "id",
            "activity",
            "title",
            "reported_to",
            "year",
            "due_on",
            "responsible",
            "status",
            "done_on",
            "note",
            "version",
        ]
        read_only_fields = fields


class _ActivityFields(serializers.Serializer):
    """Shape only; the rules (month 1–12, day 1–31, first year) are the service's."""

    code = serializers.CharField(max_length=60)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    reported_to = serializers.ChoiceField(
        choices=CycleActivity.ReportedTo.choices, required=False, allow_blank=True
    )
    frequency = serializers.ChoiceField(choices=CycleActivity.Frequency.choices)
    month = serializers.IntegerField(required=False, allow_null=True)
    day = serializers.IntegerField(required=False)
    first_year = serializers.IntegerField(required=False, allow_null=True)
    method = serializers.CharField(max_length=200, required=False, allow_blank=True)
    responsible_role = serializers.CharField(max_length=40, required=False, allow_blank=True)
    responsible = _id(required=False, allow_null=True)
    linked = serializers.ChoiceField(
        choices=CycleActivity.Linked.choices, required=False, allow_blank=True
    )
    active = serializers.BooleanField(required=False)
    sort_order = serializers.IntegerField(required=False, min_value=0, max_value=MAX_ID)


class CycleActivityCreateSerializer(_ActivityFields):
    unit = _id()


class CycleActivityUpdateSerializer(_ActivityFields):
    code = serializers.CharField(max_length=60, required=False)
    title = serializers.CharField(max_length=200, required=False)
    frequency = serializers.ChoiceField(choices=CycleActivity.Frequency.choices, required=False)
    version = version_field()


class CycleInstallSerializer(serializers.Serializer):
    unit = _id(help_text="Usually the social services administration.")


class CycleCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    existing = serializers.IntegerField(help_text="Already there; left as they were.")


class CycleGenerateSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    unit = _id(required=False, help_text="Only activities in this unit's subtree.")


class CycleTaskUpdateSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    done_on = serializers.DateField(required=False, allow_null=True)
    responsible = _id(required=False, allow_null=True)
    due_on = serializers.DateField(required=False)
    version = version_field()


class CycleTaskTransitionSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=list(services.TASK_FLOW.transitions))
    note = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    done_on = serializers.DateField(required=False, allow_null=True)
    version = version_field()


def _user(pk: int | None, field: str) -> User | None:
    if pk is None:
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise ValidationError({field: [_("Unknown user.")]})
    return user


def _handled_unit(request: Request, pk: int) -> OrgUnit:
    unit = OrgUnit.objects.filter(pk=pk, active=True).first()
    if unit is None or not path_in_scope(request.user, Action.HANDLE_QUALITY, unit.path):
        raise ValidationError({"unit": [_("Unknown unit.")]})
    return unit


class _Base(VersionedMixin, ScopedViewSetMixin, viewsets.GenericViewSet):
    personal_data = False
    http_method_names = ["get", "post", "patch", "head", "options"]

    def list(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        items = page if page is not None else queryset
        data = self.get_serializer(items, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    def _shown(self, obj: Any, code: int = status.HTTP_200_OK) -> Response:
        obj.refresh_from_db()
        return Response(self.get_serializer(obj).data, status=code)


@extend_schema_view(retrieve=versioned_read_schema())
@extend_schema(parameters=[OpenApiParameter("unit", int, description="This unit's subtree.")])
class CycleActivityViewSet(_Base):
    """Annual-cycle activities: list, read, create, change; install the default cycle."""

    serializer_class = CycleActivitySerializer

    def get_base_queryset(self) -> Any:
        return CycleActivity.objects.all()

    def get_queryset(self) -> Any:
        qs = selectors.activities_visible(self.request.user)
        if self.action == "list" and (unit_id := int_param(self.request, "unit")) is not None:
            unit = OrgUnit.objects.filter(pk=unit_id).first()
            qs = qs.filter(unit__path__startswith=unit.path) if unit else qs.none()
        return qs.order_by("sort_order", "title", "id")

    @extend_schema(request=CycleActivityCreateSerializer, responses={201: CycleActivitySerializer})
    def create(self, request: Request) -> Response:
        data = CycleActivityCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        unit = _handled_unit(request, d.pop("unit"))
        if "responsible" in d:
            d["responsible"] = _user(d["responsible"], "responsible")
        try:
            activity = services.activity_create(actor=request.user, unit=unit, **d)
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._shown(activity, status.HTTP_201_CREATED)

    @versioned_write_schema(CycleActivityUpdateSerializer, CycleActivitySerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        activity: CycleActivity = self.get_object()
        if not path_in_scope(request.user, Action.HANDLE_QUALITY, activity.unit.path):
            raise Http404
        data = CycleActivityUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        version = d.pop("version", None)
        if "responsible" in d:
            d["responsible"] = _user(d["responsible"], "responsible")
        try:
            services.activity_update(
                actor=request.user,
                activity=activity,
                expected_version=self.expected_version(version),
                **d,
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._shown(activity)

    @extend_schema(request=CycleInstallSerializer, responses={200: CycleCountsSerializer})
    @action(detail=False, methods=["post"], url_path="install-default")
    def install_default(self, request: Request) -> Response:
        """Install the default cycle (modelled on Nacka's quality plan) on a unit; activities
        whose code the municipality already has are left alone."""
        data = CycleInstallSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = _handled_unit(request, data.validated_data["unit"])
        created, existing = services.install_default(actor=request.user, unit=unit)
        return Response({"created": created, "existing": existing})


@extend_schema_view(retrieve=versioned_read_schema())
@extend_schema(
    parameters=[
        OpenApiParameter("year", int),
        OpenApiParameter("status", str, enum=CycleTask.Status.values),
        OpenApiParameter("responsible", int, description="A user's id."),
        OpenApiParameter("reported_to", str, enum=[*CycleActivity.ReportedTo.values, "none"]),
        OpenApiParameter("mine", bool, description="Only tasks you are responsible for."),
        OpenApiParameter("overdue", bool, description="Only open tasks past their due date."),
    ]
)
class CycleTaskViewSet(_Base):
    """Annual-cycle tasks: list, read, change (note, done date; the handler also the
    responsible person and due date), `transition` (start, complete, cancel, reopen) and
    `generate` (a year's tasks; idempotent)."""

    serializer_class = CycleTaskSerializer

    def get_base_queryset(self) -> Any:
        return CycleTask.objects.all()

    def get_queryset(self) -> Any:
        if self.action != "list":
            return selectors.tasks_visible(self.request.user)
        params = self.request.query_params
        status_param = params.get("status", "")
        if status_param and status_param not in CycleTask.Status.values:
            raise ValidationError({"status": [_("Unknown status.")]})
        reported = params.get("reported_to", "")
        if reported and reported not in [*CycleActivity.ReportedTo.values, "none"]:
            raise ValidationError({"reported_to": [_("Unknown value.")]})
        responsible: Any = None
        if (pk := int_param(self.request, "responsible")) is not None:
            responsible = pk
        if params.get("mine", "").lower() in ("1", "true"):
            responsible = self.request.user.pk
        return selectors.tasks_filtered(
            self.request.user,
            year=int_param(self.request, "year"),
            status=status_param,
            responsible=responsible,
            reported_to=reported,
            overdue=params.get("overdue", "").lower() in ("1", "true"),
            today=timezone.localdate(),
        )

    @versioned_write_schema(CycleTaskUpdateSerializer, CycleTaskSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        task: CycleTask = self.get_object()
        if not services.may_work_on(request.user, task):
            raise Http404
        data = CycleTaskUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        version = d.pop("version", None)
        if "responsible" in d:
            d["responsible"] = _user(d["responsible"], "responsible")
        try:
            services.task_update(
                actor=request.user, task=task, expected_version=self.expected_version(version), **d
            )
        except Http404 as exc:
            raise ValidationError(
                {"non_field_errors": [_("Only a quality handler can change this.")]}
            ) from exc
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._shown(task)

    @versioned_write_schema(CycleTaskTransitionSerializer, CycleTaskSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """start, complete (done date: today unless given), cancel or reopen."""
        task: CycleTask = self.get_object()
        if not services.may_work_on(request.user, task):
            raise Http404
        data = CycleTaskTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        try:
            services.task_transition(
                actor=request.user,
                task=task,
                action=d["step"],
                note=d.get("note"),
                done_on=d.get("done_on"),
                expected_version=self.expected_version(d.get("version")),
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._shown(task)

    @extend_schema(request=CycleGenerateSerializer, responses={200: CycleCountsSerializer})
    @action(detail=False, methods=["post"])
    def generate(self, request: Request) -> Response:
        """The dated tasks of a year for every active activity you handle. Running it again
        creates nothing and keeps statuses."""
        data = CycleGenerateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        unit = _handled_unit(request, d["unit"]) if "unit" in d else None
        try:
            created, existing = services.generate_tasks(
                actor=request.user, year=d["year"], unit=unit
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return Response({"created": created, "existing": existing})


def register(router: BaseRouter) -> list[Any]:
    router.register("quality/cycle-activities", CycleActivityViewSet, basename="cycle-activity")
    router.register("quality/cycle-tasks", CycleTaskViewSet, basename="cycle-task")
    return []
