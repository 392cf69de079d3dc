"""API of internal control: rounds (organisation data: list, read, draw, compliance) and the
drawn cases with their answers (individual data: view_individual on the case's unit,
audited). Out of scope answers the same 404 as missing."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from insyn.core.api import AuditedReadMixin, ScopedViewSetMixin, int_param, service_error
from insyn.core.roles import Action
from insyn.quality.models import ControlCase, ControlRound, ReviewAnswer
from insyn.quality.selectors import control as selectors
from insyn.quality.services import control as services


class ControlRoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = ControlRound
        fields = [
            "id",
            "unit",
            "units",
            "title",
            "template",
            "state",
            "mode",
            "period_start",
            "period_end",
            "sample_size",
            "seed",
            "population_size",
            "prevent_own_cases",
            "second_review_share",
            "due_on",
            "drawn_at",
            "completed_on",
            "version",
        ]
        read_only_fields = fields


class ControlDrawSerializer(serializers.Serializer):
    seed = serializers.IntegerField(min_value=0, max_value=services.MAX_SEED, required=False)
    version = serializers.IntegerField(min_value=1, required=False)


class ControlDrawResultSerializer(serializers.Serializer):
    round = ControlRoundSerializer()
    drawn = serializers.IntegerField()
    population = serializers.IntegerField()
    messages = serializers.ListField(child=serializers.CharField())


class ControlComplianceRowSerializer(serializers.Serializer):
    criterion = serializers.CharField(source="criterion.key")
    text = serializers.CharField(source="criterion.text")
    unit = serializers.CharField()
    yes = serializers.IntegerField()
    no = serializers.IntegerField()
    partly = serializers.IntegerField()
    na = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)
    low = serializers.SerializerMethodField()
    high = serializers.SerializerMethodField()

    def get_low(self, row: Any) -> float | None:
        return row.interval[0]

    def get_high(self, row: Any) -> float | None:
        return row.interval[1]


class ControlAgreementSerializer(serializers.Serializer):
    cases = serializers.IntegerField()
    pairs = serializers.IntegerField()
    same = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)
    kappa = serializers.FloatField(allow_null=True)


class ControlComplianceSerializer(serializers.Serializer):
    overall = ControlComplianceRowSerializer(many=True)
    per_unit = ControlComplianceRowSerializer(many=True)
    agreement = ControlAgreementSerializer()


class ControlRoundViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Control rounds: list, read, draw the sample, compliance (no case is named)."""

    personal_data: ClassVar[bool] = False
    scope_action = Action.VIEW_QUALITY
    serializer_class = ControlRoundSerializer

    def get_base_queryset(self) -> Any:
        return ControlRound.objects.all()

    def get_queryset(self) -> Any:
        return selectors.rounds(self.request.user).prefetch_related("units")

    @extend_schema(request=ControlDrawSerializer, responses={200: ControlDrawResultSerializer})
    @action(detail=True, methods=["post"])
    def draw(self, request: Request, pk: str | None = None) -> Response:
        """planned → drawn: the reproducible sample (handle_quality on the round's unit)."""
        round_ = self.get_object()
        data = ControlDrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = services.control_round_draw(
                actor=request.user,
                round_=round_,
                seed=data.validated_data.get("seed"),
                expected_version=data.validated_data.get("version"),
            )
        except ValidationError as exc:
            raise service_error(exc) from exc
        return Response(ControlDrawResultSerializer(result).data)

    @extend_schema(responses={200: ControlComplianceSerializer})
    @action(detail=True, methods=["get"])
    def compliance(self, request: Request, pk: str | None = None) -> Response:
        """Share met per criterion (and unit) with 95% Wilson intervals; reviewer agreement."""
        round_ = self.get_object()
        overall, per_unit = selectors.compliance(round_)
        body = {"overall": overall, "per_unit": per_unit, "agreement": selectors.agreement(round_)}
        return Response(ControlComplianceSerializer(body).data)


class ControlAnswerSerializer(serializers.ModelSerializer):
    criterion_key = serializers.CharField(source="criterion.key")

    class Meta:
        model = ReviewAnswer
        fields = ["criterion", "criterion_key", "reviewer", "answer", "comment", "prefilled"]


class ControlCaseSerializer(serializers.ModelSerializer):
    case_ref = serializers.CharField(source="case.case_ref")
    answers = ControlAnswerSerializer(many=True)

    class Meta:
        model = ControlCase
        fields = [
            "id",
            "round",
            "case",
            "case_ref",
            "draw_order",
            "reviewer",
            "second_reviewer",
            "reviewed_at",
            "answers",
        ]


@extend_schema(parameters=[OpenApiParameter("round", int, description="control round id")])
class ControlCaseViewSet(AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
    """Drawn cases with their answers (view_individual on the case's unit; audited)."""

    scope_action = Action.VIEW_INDIVIDUAL
    serializer_class = ControlCaseSerializer

    def get_base_queryset(self) -> Any:
        return ControlCase.objects.all()

    def get_queryset(self) -> Any:
        qs = (
            self.scoped_queryset()
            .select_related("case")
            .prefetch_related("answers__criterion")
            .order_by("round_id", "draw_order")
        )
        round_id = int_param(self.request, "round")
        if round_id is not None:
            qs = qs.filter(round_id=round_id)
        return qs


def register(router: BaseRouter) -> list[Any]:
    router.register("quality/control-rounds", ControlRoundViewSet, basename="control-round")
    router.register("quality/control-cases", ControlCaseViewSet, basename="control-case")
    return []
