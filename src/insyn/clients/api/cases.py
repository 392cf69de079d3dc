"""Cases, decisions and interventions: restricted, audited, versioned, written through the
same services as the web."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from insyn.clients import services
from insyn.clients.api.common import (
    IndividualViewSet,
    ScopedRelatedField,
    _versioned_schema,
    call_service,
    code_field,
)
from insyn.clients.models import (
    Case,
    CaseSource,
    Client,
    Decision,
    EndReason,
    IntakeReason,
    Intervention,
    InterventionType,
    LegalBasis,
    Provider,
)
from insyn.clients.services.execution import EXECUTION_FIELDS
from insyn.clients.services.interventions import INTERVENTION_FIELDS
from insyn.core.api import (
    int_param,
    version_field,
)
from insyn.organisations.models import OrgUnit


class CaseSerializer(serializers.ModelSerializer):
    version = version_field()
    client = ScopedRelatedField(Client)
    unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    source: Any = code_field(CaseSource)
    reason = code_field(IntakeReason, required=False, allow_null=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "case_ref",
            "client",
            "unit",
            "opened_on",
            "source",
            "reason",
            "case_worker",
            "closed_on",
            "reactualisation",
            "version",
        ]
        read_only_fields = ["id", "reactualisation"]
        validators: list[Any] = []
        extra_kwargs = {
            "case_ref": {"required": False, "allow_blank": True, "validators": []},
            "case_worker": {"required": False},
        }


class DecisionSerializer(serializers.ModelSerializer):
    version = version_field()
    case = ScopedRelatedField(Case)
    intervention_type = code_field(InterventionType)
    legal_basis = code_field(LegalBasis)

    class Meta:
        model = Decision
        fields = [
            "id",
            "decision_ref",
            "case",
            "intervention_type",
            "legal_basis",
            "decided_on",
            "executed_on",
            "interrupted_on",
            "resumed_on",
            "extent_unit",
            "granted_extent",
            "executed_extent",
            "ended_unexecuted_on",
            "ended_unexecuted_reason",
            "comment",
            "version",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {"decision_ref": {"required": False, "allow_blank": True}}


class InterventionSerializer(serializers.ModelSerializer):
    version = version_field()
    case = ScopedRelatedField(Case)
    decision = ScopedRelatedField(Decision, required=False, allow_null=True)
    intervention_type = code_field(InterventionType, required=False)
    provider = code_field(Provider, required=False, allow_null=True)
    end_reason = code_field(EndReason, required=False, allow_null=True)

    class Meta:
        model = Intervention
        fields = [
            "id",
            "intervention_ref",
            "case",
            *INTERVENTION_FIELDS,
            "version",
        ]
        read_only_fields = ["id"]
        validators: list[Any] = []
        extra_kwargs = {
            "intervention_ref": {"required": False, "allow_blank": True, "validators": []}
        }


@_versioned_schema(CaseSerializer)
class CaseViewSet(IndividualViewSet):
    """Cases. Filter with `?client=<id>` and `?status=open|closed`."""

    serializer_class = CaseSerializer
    FIELDS = ["unit", "opened_on", "source", "reason", "case_worker", "closed_on"]

    def get_base_queryset(self) -> Any:
        qs = Case.objects.select_related("client", "source", "reason")
        params = self.request.query_params
        client_id = int_param(self.request, "client")
        if client_id is not None:
            qs = qs.filter(client_id=client_id)
        if params.get("status") == "open":
            qs = qs.filter(closed_on__isnull=True)
        elif params.get("status") == "closed":
            qs = qs.filter(closed_on__isnull=False)
        return qs

    def perform_create(self, serializer: Any) -> None:
        data = self.create_data(serializer)
        serializer.instance = call_service(services.case_open, actor=self.request.user, **data)

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = call_service(
            services.case_update,
            actor=self.request.user,
            case=serializer.instance,
            **self.merged(serializer, self.FIELDS),
        )


@_versioned_schema(DecisionSerializer)
class DecisionViewSet(IndividualViewSet):
    """Decisions. Filter with `?case=<id>`."""

    serializer_class = DecisionSerializer
    FIELDS = [
        "intervention_type",
        "legal_basis",
        "decided_on",
        "executed_on",
        "comment",
        *EXECUTION_FIELDS,
    ]

    def get_base_queryset(self) -> Any:
        qs = Decision.objects.select_related("case", "intervention_type", "legal_basis")
        case_id = int_param(self.request, "case")
        return qs.filter(case_id=case_id) if case_id is not None else qs

    def perform_create(self, serializer: Any) -> None:
        data = self.create_data(serializer)
        serializer.instance = call_service(
            services.decision_record, actor=self.request.user, **data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = call_service(
            services.decision_update,
            actor=self.request.user,
            decision=serializer.instance,
            **self.merged(serializer, self.FIELDS),
        )


@_versioned_schema(InterventionSerializer)
class InterventionViewSet(IndividualViewSet):
    """Interventions. Filter with `?case=<id>`. Start, end and extent are updated with PATCH;
    follow-up enrolment and occasions follow automatically."""

    serializer_class = InterventionSerializer
    FIELDS = list(INTERVENTION_FIELDS)

    def get_base_queryset(self) -> Any:
        qs = Intervention.objects.select_related(
            "case", "intervention_type", "provider", "end_reason"
        )
        case_id = int_param(self.request, "case")
        return qs.filter(case_id=case_id) if case_id is not None else qs

    def perform_create(self, serializer: Any) -> None:
        data = self.create_data(serializer)
        serializer.instance = call_service(
            services.intervention_record, actor=self.request.user, **data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = call_service(
            services.intervention_update,
            actor=self.request.user,
            intervention=serializer.instance,
            **self.merged(serializer, self.FIELDS),
        )
