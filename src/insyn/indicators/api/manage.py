"""REST endpoints for manual key figures, committee targets and user-defined comparison
groups, through the same selectors and services as the pages. Read with `view_aggregate`,
write with `handle_quality` in the unit; a row outside scope answers the same JSON 404 as a
missing one. Not personal data (staff names only), like the pages.

Optimistic concurrency: IndicatorValue and IndicatorTarget carry no `version` column, so their
`version` is the row's `updated_at` in microseconds (services/stamps.py). It is returned in the
body and as ETag; a write that sends a stale one (`version` in the body, or If-Match) changes
nothing and answers 409 (412 with If-Match), exactly as the quality API's versioned objects.
Groups have no `updated_at`: the last write wins."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from insyn.core.api import (
    IF_MATCH,
    ScopedViewSetMixin,
    VersionConflictSerializer,
    VersionedMixin,
    int_param,
    service_error,
    version_field,
    versioned_read_schema,
    versioned_write_schema,
)
from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope
from insyn.indicators.models import (
    ComparisonGroup,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    KoladaMunicipality,
)
from insyn.indicators.selectors import manage as selectors
from insyn.indicators.services import groups as group_services
from insyn.indicators.services import manual as manual_services
from insyn.indicators.services import targets as target_services
from insyn.indicators.services.stamps import stamp_of
from insyn.organisations.models import OrgUnit

WRITE = Action.HANDLE_QUALITY
# a plain string in the schema: an enum would collide with the clients' "sex" (other values)
SEX_HELP = "Kolada's codes: T (total), K (women), M (men)."


class StampField(serializers.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            read_only=True, help_text="The row's version (send it back on a change).", **kwargs
        )

    def get_attribute(self, instance: Any) -> Any:
        return stamp_of(instance)


class ManualValueSerializer(serializers.ModelSerializer):
    indicator: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )
    unit = serializers.IntegerField(source="org_unit_id", read_only=True)
    unit_code = serializers.CharField(source="org_unit.code", read_only=True)
    entered_by = serializers.SerializerMethodField()
    provenance = serializers.CharField(read_only=True)
    sex = serializers.CharField(read_only=True, help_text=SEX_HELP)
    version = StampField()

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "indicator",
            "unit",
            "unit_code",
            "period_kind",
            "year",
            "period_end",
            "sex",
            "value",
            "source",
            "provenance",
            "entered_by",
            "entered_at",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_entered_by(self, row: IndicatorValue) -> str | None:
        return row.entered_by.get_username() if row.entered_by else None


class ManualValueCreateSerializer(serializers.Serializer):
    indicator = serializers.CharField(max_length=60, help_text="The indicator's key.")
    unit = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    period_kind = serializers.ChoiceField(
        choices=IndicatorValue.PeriodKind.choices, default=IndicatorValue.PeriodKind.YEAR
    )
    year = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=9999)
    period_end = serializers.DateField(required=False, allow_null=True)
    sex = serializers.CharField(max_length=1, default="T", help_text=SEX_HELP)
    value = serializers.FloatField()


class ManualValueUpdateSerializer(serializers.Serializer):
    version = version_field()
    value = serializers.FloatField()


class TargetSerializer(serializers.ModelSerializer):
    indicator: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )
    unit = serializers.IntegerField(source="org_unit_id", read_only=True)
    created_by = serializers.SerializerMethodField()
    version = StampField()

    class Meta:
        model = IndicatorTarget
        fields = [
            "id",
            "indicator",
            "unit",
            "year",
            "value",
            "comparison",
            "decision",
            "created_by",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_created_by(self, target: IndicatorTarget) -> str | None:
        return target.created_by.get_username() if target.created_by else None


class TargetCreateSerializer(serializers.Serializer):
    indicator = serializers.CharField(max_length=60, help_text="The indicator's key.")
    unit = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    year = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=9999, help_text="Empty: standing."
    )
    value = serializers.FloatField()
    comparison = serializers.ChoiceField(
        choices=[("", ""), *IndicatorTarget.Comparison.choices],
        required=False,
        allow_blank=True,
        help_text="Left out: from the indicator's direction.",
    )
    decision = serializers.CharField(max_length=200, required=False, allow_blank=True)


class TargetUpdateSerializer(serializers.Serializer):
    version = version_field()
    year = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=9999)
    value = serializers.FloatField(required=False)
    comparison = serializers.ChoiceField(
        choices=[("", ""), *IndicatorTarget.Comparison.choices], required=False, allow_blank=True
    )
    decision = serializers.CharField(max_length=200, required=False, allow_blank=True)


class GroupSerializer(serializers.ModelSerializer):
    owner = serializers.IntegerField(source="owner_id", read_only=True)
    members = serializers.SerializerMethodField()

    class Meta:
        model = ComparisonGroup
        fields = ["id", "key", "title", "owner", "members"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_members(self, group: ComparisonGroup) -> list[str]:
        return sorted(m.pk for m in group.members.all())


class GroupWriteSerializer(serializers.Serializer):
    owner = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    title = serializers.CharField(max_length=200, allow_blank=True)
    members = serializers.ListField(
        child=serializers.CharField(max_length=8), max_length=400, help_text="Kolada ids."
    )


class GroupUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True, required=False)
    members = serializers.ListField(
        child=serializers.CharField(max_length=8), max_length=400, required=False
    )


def _unit(user: Any, pk: int) -> OrgUnit:
    unit = OrgUnit.objects.filter(pk=pk, active=True).first()
    if unit is None or not path_in_scope(user, WRITE, unit.path):
        raise ValidationError({"unit": [_("Unknown unit.")]})
    return unit


def _indicator(key: str) -> Indicator:
    found = Indicator.objects.filter(key=key).first()
    if found is None:
        raise ValidationError({"indicator": [_("Unknown indicator key %(key)s.") % {"key": key}]})
    return found


def _members(ids: list[str]) -> list[KoladaMunicipality]:
    found = {m.pk: m for m in KoladaMunicipality.objects.filter(pk__in=ids)}
    unknown = sorted(set(ids) - set(found))
    if unknown:
        raise ValidationError(
            {"members": [_("Unknown municipality %(ids)s.") % {"ids": ", ".join(unknown)}]}
        )
    return [found[i] for i in ids]


DELETE_SCHEMA = extend_schema(
    parameters=[IF_MATCH],
    responses={
        204: None,
        409: OpenApiResponse(VersionConflictSerializer, description="Stale `version`."),
        412: OpenApiResponse(VersionConflictSerializer, description="If-Match is stale."),
    },
)


class _Base(
    VersionedMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    personal_data: ClassVar[bool] = False
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def writable(self, path: str) -> None:
        if not path_in_scope(self.request.user, WRITE, path):
            raise Http404

    def shown(self, obj: Any, code: int = status.HTTP_200_OK) -> Response:
        obj.refresh_from_db()
        return Response(self.get_serializer(obj).data, status=code)


@extend_schema_view(retrieve=versioned_read_schema())
@extend_schema(
    parameters=[
        OpenApiParameter("indicator", str, description="An indicator's key."),
        OpenApiParameter("unit", int, description="Values of this unit's subtree."),
        OpenApiParameter("year", int),
    ]
)
class ManualValueViewSet(_Base):
    """Manual key figures: list, read, enter, change the value, delete."""

    serializer_class = ManualValueSerializer

    def get_base_queryset(self) -> Any:
        return IndicatorValue.objects.filter(source=IndicatorValue.Source.MANUAL)

    def get_queryset(self) -> Any:
        user = self.request.user
        if self.action != "list":
            return selectors.manual_values(user)
        key = self.request.query_params.get("indicator")
        unit = None
        if (unit_id := int_param(self.request, "unit")) is not None:
            unit = OrgUnit.objects.filter(pk=unit_id).first() or OrgUnit(path="/none/")
        indicator = None
        if key:
            indicator = Indicator.objects.filter(key=key).first() or Indicator(pk=0)
        return selectors.manual_values_filtered(
            user, indicator=indicator, unit=unit, year=int_param(self.request, "year")
        )

    @extend_schema(request=ManualValueCreateSerializer, responses={201: ManualValueSerializer})
    def create(self, request: Request) -> Response:
        data = ManualValueCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        try:
            row = manual_services.manual_value_create(
                actor=request.user,
                indicator=_indicator(d.pop("indicator")),
                org_unit=_unit(request.user, d.pop("unit")),
                **d,
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self.shown(row, status.HTTP_201_CREATED)

    @versioned_write_schema(ManualValueUpdateSerializer, ManualValueSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        row: IndicatorValue = self.get_object()
        self.writable(row.org_unit.path)  # type: ignore[union-attr]
        data = ManualValueUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            manual_services.manual_value_update(
                actor=request.user,
                row=row,
                value=data.validated_data["value"],
                expected_version=self.expected_version(data.validated_data.get("version")),
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self.shown(row)

    @DELETE_SCHEMA
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        row: IndicatorValue = self.get_object()
        self.writable(row.org_unit.path)  # type: ignore[union-attr]
        try:
            manual_services.manual_value_delete(
                actor=request.user, row=row, expected_version=self.expected_version()
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(retrieve=versioned_read_schema())
class TargetViewSet(_Base):
    """Committee targets: list, read, set, change, delete."""

    serializer_class = TargetSerializer

    def get_base_queryset(self) -> Any:
        return IndicatorTarget.objects.all()

    def get_queryset(self) -> Any:
        return selectors.targets(self.request.user)

    @extend_schema(request=TargetCreateSerializer, responses={201: TargetSerializer})
    def create(self, request: Request) -> Response:
        data = TargetCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        try:
            target = target_services.target_create(
                actor=request.user,
                indicator=_indicator(d.pop("indicator")),
                org_unit=_unit(request.user, d.pop("unit")),
                **d,
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self.shown(target, status.HTTP_201_CREATED)

    @versioned_write_schema(TargetUpdateSerializer, TargetSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        target: IndicatorTarget = self.get_object()
        self.writable(target.org_unit.path)
        data = TargetUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        version = d.pop("version", None)
        current = {
            "year": target.year,
            "value": target.value,
            "comparison": target.comparison,
            "decision": target.decision,
        }
        try:
            target_services.target_update(
                actor=request.user,
                target=target,
                expected_version=self.expected_version(version),
                **{**current, **d},
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self.shown(target)

    @DELETE_SCHEMA
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        target: IndicatorTarget = self.get_object()
        self.writable(target.org_unit.path)
        try:
            target_services.target_delete(
                actor=request.user, target=target, expected_version=self.expected_version()
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class GroupViewSet(_Base):
    """User-defined comparison groups: list, read, create, change, delete (no versions: the
    last write wins)."""

    serializer_class = GroupSerializer

    def get_base_queryset(self) -> Any:
        return ComparisonGroup.objects.filter(kind=ComparisonGroup.Kind.USER)

    def get_queryset(self) -> Any:
        return selectors.user_groups(self.request.user)

    @extend_schema(request=GroupWriteSerializer, responses={201: GroupSerializer})
    def create(self, request: Request) -> Response:
        data = GroupWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        try:
            group = group_services.group_create(
                actor=request.user,
                owner=_unit(request.user, d["owner"]),
                title=d["title"],
                members=_members(d["members"]),
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self.shown(group, status.HTTP_201_CREATED)

    @extend_schema(request=GroupUpdateSerializer, responses={200: GroupSerializer})
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        group: ComparisonGroup = self.get_object()
        self.writable(group.owner.path)  # type: ignore[union-attr]
        data = GroupUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        members = _members(d["members"]) if "members" in d else list(group.members.all())
        try:
            group_services.group_update(
                actor=request.user, group=group, title=d.get("title", group.title), members=members
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self.shown(group)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        group: ComparisonGroup = self.get_object()
        self.writable(group.owner.path)  # type: ignore[union-attr]
        group_services.group_delete(actor=request.user, group=group)
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router: BaseRouter) -> list[Any]:
    router.register("indicators/manual-values", ManualValueViewSet, basename="manual-value")
    router.register("indicators/targets", TargetViewSet, basename="indicator-target")
    router.register("indicators/user-groups", GroupViewSet, basename="user-group")
    return []
