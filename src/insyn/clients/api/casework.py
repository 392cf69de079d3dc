"""Investigations and appeals: restricted, audited, versioned, written through the same
services as the web. An investigation's answer carries its four-month status and handling
time (read only, from insyn.clients.four_months)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from insyn.clients import services
from insyn.clients.api.common import (
    IndividualViewSet,
    ScopedRelatedField,
    _versioned_schema,
    call_service,
)
from insyn.clients.four_months import FourMonthStatus, four_month_status, handling_days
from insyn.clients.models import Appeal, Case, Decision, Investigation
from insyn.core.api import int_param, version_field


class CaseInvestigationSerializer(serializers.ModelSerializer):
    version = version_field()
    case = ScopedRelatedField(Case)
    four_month_status = serializers.SerializerMethodField()
    handling_days = serializers.SerializerMethodField()

    class Meta:
        model = Investigation
        fields = [
            "id",
            "case",
            "started_on",
            "completed_on",
            "extended_on",
            "extension_reason",
            "outcome",
            "case_worker",
            "four_month_status",
            "handling_days",
            "version",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {
            "extension_reason": {"required": False},
            "outcome": {"required": False},
            "case_worker": {"required": False},
        }

    @extend_schema_field(serializers.ChoiceField(choices=[s.value for s in FourMonthStatus]))
    def get_four_month_status(self, obj: Investigation) -> str:
        return four_month_status(obj, timezone.localdate()).value

    def get_handling_days(self, obj: Investigation) -> int | None:
        return handling_days(obj.started_on, obj.completed_on)


class DecisionAppealSerializer(serializers.ModelSerializer):
    version = version_field()
    decision = ScopedRelatedField(Decision)

    class Meta:
        model = Appeal
        fields = [
            "id",
            "decision",
            "appealed_on",
            "court",
            "court_reference",
            "decided_on",
            "outcome",
            "comment",
            "version",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {
            "court": {"required": False},
            "court_reference": {"required": False},
            "outcome": {"required": False},
            "comment": {"required": False},
        }


@_versioned_schema(CaseInvestigationSerializer)
class InvestigationViewSet(IndividualViewSet):
    """Investigations. Filter with `?case=<id>`."""

    serializer_class = CaseInvestigationSerializer
    FIELDS = [
        "started_on",
        "completed_on",
        "extended_on",
        "extension_reason",
        "outcome",
        "case_worker",
    ]

    def get_base_queryset(self) -> Any:
        qs = Investigation.objects.select_related("case")
        case_id = int_param(self.request, "case")
        return qs.filter(case_id=case_id) if case_id is not None else qs

    def perform_create(self, serializer: Any) -> None:
        data = self.create_data(serializer)
        serializer.instance = call_service(
            services.investigation_record, actor=self.request.user, **data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = call_service(
            services.investigation_update,
            actor=self.request.user,
            investigation=serializer.instance,
            **self.merged(serializer, self.FIELDS),
        )


@_versioned_schema(DecisionAppealSerializer)
class AppealViewSet(IndividualViewSet):
    """Appeals of decisions. Filter with `?decision=<id>` or `?case=<id>`."""

    serializer_class = DecisionAppealSerializer
    FIELDS = ["appealed_on", "court", "court_reference", "decided_on", "outcome", "comment"]

    def get_base_queryset(self) -> Any:
        qs = Appeal.objects.select_related("decision__case")
        decision_id = int_param(self.request, "decision")
        if decision_id is not None:
            qs = qs.filter(decision_id=decision_id)
        case_id = int_param(self.request, "case")
        if case_id is not None:
            qs = qs.filter(decision__case_id=case_id)
        return qs

    def perform_create(self, serializer: Any) -> None:
        data = self.create_data(serializer)
        serializer.instance = call_service(services.appeal_record, actor=self.request.user, **data)

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = call_service(
            services.appeal_update,
            actor=self.request.user,
            appeal=serializer.instance,
            **self.merged(serializer, self.FIELDS),
        )
