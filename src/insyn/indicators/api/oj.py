"""API of the Open Comparisons workflow: publications with their steps (data checks, results
with quick analysis, matrix row and deep analysis, proposals with their action plans); create,
take the next step (`transition`), save the matrix. Same selectors (view_quality in the subtree)
and services (handle_quality) as the web; out of scope answers the same 404 as missing.
Publications are org data naming staff in their role: not personal data, but reads leave an
access entry (AuditedReadMixin)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from insyn.accounts.models import User
from insyn.core.api import (
    AuditedReadMixin,
    VersionedMixin,
    service_error,
    version_field,
    versioned_read_schema,
    versioned_write_schema,
)
from insyn.core.audit import record_access
from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope
from insyn.indicators.models import (
    OjDataQualityCheck,
    OjDeepAnalysis,
    OjPriority,
    OjProposal,
    OjPublication,
    OjQuickAnalysis,
    OjResult,
)
from insyn.indicators.models.oj import Level
from insyn.indicators.selectors import oj as selectors
from insyn.indicators.services import oj as services
from insyn.indicators.services import oj_steps as steps
from insyn.organisations.models import OrgUnit


class DataCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = OjDataQualityCheck
        exclude = ["publication"]


class QuickSerializer(serializers.ModelSerializer):
    class Meta:
        model = OjQuickAnalysis
        exclude = ["id", "result"]


class PrioritySerializer(serializers.ModelSerializer):
    class Meta:
        model = OjPriority
        exclude = ["result"]


class DeepSerializer(serializers.ModelSerializer):
    class Meta:
        model = OjDeepAnalysis
        exclude = ["result"]


class ResultSerializer(serializers.ModelSerializer):
    indicator: Any = serializers.SlugRelatedField(slug_field="key", read_only=True)
    quick = serializers.SerializerMethodField()
    priority = serializers.SerializerMethodField()
    deep = serializers.SerializerMethodField()

    class Meta:
        model = OjResult
        fields = [
            "id",
            "indicator",
            "value",
            "colour",
            "negative",
            "source",
            "quick",
            "priority",
            "deep",
        ]

    def _one(self, obj: OjResult, name: str, serializer: Any) -> Any:
        row = getattr(obj, name, None)
        return serializer(row).data if row is not None else None

    @extend_schema_field(QuickSerializer(allow_null=True))
    def get_quick(self, obj: OjResult) -> Any:
        return self._one(obj, "quick", QuickSerializer)

    @extend_schema_field(PrioritySerializer(allow_null=True))
    def get_priority(self, obj: OjResult) -> Any:
        return self._one(obj, "priority", PrioritySerializer)

    @extend_schema_field(DeepSerializer(allow_null=True))
    def get_deep(self, obj: OjResult) -> Any:
        return self._one(obj, "deep", DeepSerializer)


class ProposalSerializer(serializers.ModelSerializer):
    class Meta:
        model = OjProposal
        exclude = ["publication"]


class PublicationSerializer(serializers.ModelSerializer):
    version = version_field()

    class Meta:
        model = OjPublication
        exclude: ClassVar[list[str]] = []
        read_only_fields = ["municipality", "status", "created_by"]


class PublicationDetailSerializer(PublicationSerializer):
    data_checks = DataCheckSerializer(many=True, read_only=True)
    results = serializers.SerializerMethodField()
    proposals = ProposalSerializer(many=True, read_only=True)

    @extend_schema_field(ResultSerializer(many=True))
    def get_results(self, obj: OjPublication) -> Any:
        return ResultSerializer(selectors.results(obj), many=True).data


class PublicationCreateSerializer(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=200, allow_blank=True)
    year = serializers.IntegerField()
    area = serializers.CharField(max_length=120, allow_blank=True)


class TransitionSerializer(serializers.Serializer):
    version = version_field()
    action = serializers.ChoiceField(choices=list(services.OJ_FLOW.transitions))
    on = serializers.DateField(required=False, allow_null=True)
    decided_by = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class MatrixRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(min_value=1)
    goal_relation = serializers.CharField(required=False, allow_blank=True)
    ongoing_efforts = serializers.CharField(required=False, allow_blank=True)
    deficit_cost = serializers.ChoiceField(choices=Level.choices, required=False, allow_blank=True)
    change_cost = serializers.ChoiceField(choices=Level.choices, required=False, allow_blank=True)
    inhabitants = serializers.ChoiceField(choices=Level.choices, required=False, allow_blank=True)
    indicator_type = serializers.ChoiceField(
        choices=["", "structure", "process", "outcome"], required=False
    )
    priority = serializers.IntegerField(min_value=1, max_value=3, required=False, allow_null=True)
    decision = serializers.CharField(required=False, allow_blank=True)


class MatrixSerializer(serializers.Serializer):
    version = version_field()
    rows = MatrixRowSerializer(many=True)


@extend_schema_view(retrieve=versioned_read_schema())
class PublicationViewSet(
    VersionedMixin,
    AuditedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Open Comparisons publications: list, read with every step, create, take the next step
    (`transition`), save the prioritisation matrix (`matrix`)."""

    personal_data: ClassVar[bool] = False
    scope_action = Action.VIEW_QUALITY
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self) -> Any:
        return PublicationSerializer if self.action == "list" else PublicationDetailSerializer

    def get_base_queryset(self) -> Any:
        return OjPublication.objects.all()

    def get_queryset(self) -> Any:
        return selectors.publications_visible(self.request.user)

    def handled(self) -> OjPublication:
        publication: OjPublication = self.get_object()
        if not path_in_scope(self.request.user, Action.HANDLE_QUALITY, publication.unit.path):
            raise Http404
        return publication

    def _shown(self, obj: OjPublication, code: int = status.HTTP_200_OK) -> Response:
        obj.refresh_from_db()
        record_access(actor=self.request.user, action="view", objects=[obj])
        return Response(PublicationDetailSerializer(obj).data, status=code)

    @extend_schema(
        request=PublicationCreateSerializer, responses={201: PublicationDetailSerializer}
    )
    def create(self, request: Request) -> Response:
        data = PublicationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        unit = OrgUnit.objects.filter(pk=d.pop("unit"), active=True).first()
        if unit is None or not path_in_scope(request.user, Action.HANDLE_QUALITY, unit.path):
            raise ValidationError({"unit": [_("Unknown unit.")]})
        try:
            publication = services.publication_create(actor=request.user, unit=unit, **d)
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._shown(publication, status.HTTP_201_CREATED)

    @versioned_write_schema(TransitionSerializer, PublicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """Take the next step of the workflow, with its date and who decided."""
        publication = self.handled()
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        decider = None
        if d.get("decided_by") is not None:
            decider = User.objects.filter(pk=d["decided_by"]).first()
            if decider is None:
                raise ValidationError({"decided_by": [_("Unknown user.")]})
        try:
            services.publication_transition(
                actor=request.user,
                publication=publication,
                action=d["action"],
                expected_version=self.expected_version(d.get("version")),
                on=d.get("on"),
                decided_by=decider,
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._shown(publication)

    @versioned_write_schema(MatrixSerializer, PublicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def matrix(self, request: Request, pk: str | None = None) -> Response:
        """Save rows of the prioritisation matrix (all or nothing)."""
        publication = self.handled()
        data = MatrixSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows = {
            int(r["id"]): {k: v for k, v in r.items() if k != "id"}
            for r in data.validated_data["rows"]
        }
        try:
            steps.matrix_save(
                actor=request.user,
                publication=publication,
                rows=rows,
                expected_version=self.expected_version(data.validated_data.get("version")),
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._shown(publication)


def register(router: BaseRouter) -> list[Any]:
    """Register viewsets on `router`; return extra (non-router) url patterns."""
    router.register("indicators/oj/publications", PublicationViewSet, basename="oj-publication")
    return []
