"""REST endpoints of the clients domain: clients, cases, decisions and interventions (restricted,
audited, written through the same services as the web) and providers and catalogues (read).

Catalogue values are given and returned as codes. A personnummer may be given when a client is
registered but is never returned; finding a client by number is a POST, so the number stays
out of addresses and logs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from insyn.clients import selectors, services
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
from insyn.clients.views.base import identity_number_in_address
from insyn.core import context
from insyn.core.api import (
    ApiExtra,
    AuditedReadMixin,
    VersionedMixin,
    int_param,
    service_error,
    version_field,
    versioned_read_schema,
    versioned_write_schema,
)
from insyn.core.audit import record_access
from insyn.core.identity import parse_identity
from insyn.core.roles import Action
from insyn.core.scoping import ScopedModel
from insyn.organisations.models import OrgUnit

T = TypeVar("T")
SAFE = ("GET", "HEAD", "OPTIONS")


def call_service(fn: Callable[..., T], **kwargs: Any) -> T:
    """Run a service; its ValidationError becomes a 400 with field messages."""
    try:
        return fn(**kwargs)
    except DjangoValidationError as exc:
        raise service_error(exc) from exc


def code_field(model: type[models.Model], **kwargs: Any) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code", queryset=model._default_manager.all(), **kwargs
    )


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object the caller may change: outside scope it is simply "does not exist"."""

    def __init__(self, model: type[ScopedModel], **kwargs: Any) -> None:
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        request = self.context["request"]
        return self.model._default_manager.restrict(  # type: ignore[attr-defined]
            request.user, Action.CHANGE_INDIVIDUAL
        )


# --- Serializers ----------------------------------------------------------------------------


class ClientSerializer(serializers.ModelSerializer):
    version = version_field()
    personnummer = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text="Personnummer or samordningsnummer; validated, hashed, never returned.",
    )
    unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())

    class Meta:
        model = Client
        fields = [
            "id",
            "client_ref",
            "municipality",
            "unit",
            "id_kind",
            "birth_date",
            "sex",
            "personnummer",
            "version",
        ]
        read_only_fields = ["id", "municipality", "id_kind"]
        validators: list[Any] = []  # uniqueness is the service's job (clear messages)
        extra_kwargs = {
            "client_ref": {"required": False, "allow_blank": True, "validators": []},
            "birth_date": {"required": False, "allow_null": True},
            "sex": {"required": False, "allow_blank": True},
        }


class IdentityLookupSerializer(serializers.Serializer):
    personnummer = serializers.CharField(write_only=True)


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
            "decision",
            "intervention_type",
            "provider",
            "started_on",
            "ended_on",
            "end_reason",
            "sessions_planned",
            "sessions_held",
            "sessions_missed",
            "comment",
            "version",
        ]
        read_only_fields = ["id"]
        validators: list[Any] = []
        extra_kwargs = {
            "intervention_ref": {"required": False, "allow_blank": True, "validators": []}
        }


class ProviderSerializer(serializers.ModelSerializer):
    intervention_types: Any = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )

    class Meta:
        model = Provider
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "org_number",
            "municipality",
            "intervention_types",
            "active",
        ]
        read_only_fields = fields


# --- Viewsets -------------------------------------------------------------------------------


def _versioned_schema(serializer: type[serializers.Serializer]) -> Any:
    return extend_schema_view(
        retrieve=versioned_read_schema(),
        update=versioned_write_schema(serializer, serializer),
        partial_update=versioned_write_schema(serializer, serializer),
    )


class IndividualViewSet(
    VersionedMixin,
    AuditedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Reads need VIEW_INDIVIDUAL, writes CHANGE_INDIVIDUAL; both look the same when denied."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if identity_number_in_address(request._request):
            raise ValidationError(
                {"detail": ["Identity numbers are searched with POST /api/clients/lookup/."]}
            )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A PUT/PATCH that changes nothing writes no change entry, yet its answer shows the
        object: then it is a read, recorded as one (the audit guard insists)."""
        ctx = context.current()
        changes = ctx.changes_recorded
        response = super().update(request, *args, **kwargs)
        if 200 <= response.status_code < 300 and ctx.changes_recorded == changes:
            record_access(actor=request.user, action="view", objects=[self.get_object()])
        return response

    def scoped_queryset(self) -> Any:
        scope = Action.VIEW_INDIVIDUAL if self.request.method in SAFE else Action.CHANGE_INDIVIDUAL
        return self.get_base_queryset().restrict(self.request.user, scope)

    def merged(self, serializer: serializers.BaseSerializer, names: list[str]) -> dict[str, Any]:
        """The instance's values overlaid with what the request gives (PUT and PATCH alike),
        and the version the write must match (If-Match, else the body's `version`)."""
        data = serializer.validated_data
        return {
            **{n: data[n] if n in data else getattr(serializer.instance, n) for n in names},
            "expected_version": self.expected_version(data.get("version")),
        }

    @staticmethod
    def create_data(serializer: serializers.BaseSerializer) -> dict[str, Any]:
        """What a create passes to its service: a new object has no version to match."""
        data = dict(serializer.validated_data)
        data.pop("version", None)
        return data


@_versioned_schema(ClientSerializer)
class ClientViewSet(IndividualViewSet):
    """Clients of the units you work in. `?q=` searches the client reference."""

    serializer_class = ClientSerializer

    def get_base_queryset(self) -> Any:
        qs = Client.objects.select_related("unit")
        q = self.request.query_params.get("q", "").strip()
        return qs.filter(client_ref__icontains=q) if q else qs

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        try:
            serializer.instance = call_service(
                services.client_register,
                actor=self.request.user,
                unit=data["unit"],
                personnummer=data.get("personnummer", ""),
                birth_date=data.get("birth_date"),
                sex=data.get("sex", ""),
                client_ref=data.get("client_ref", ""),
            )
        except ValidationError as exc:
            dup = exc.__cause__
            if not isinstance(dup, services.DuplicateClient):
                raise
            # The answer tells the caller the person exists: the same access entry as the
            # web's "already registered" answer (clients.views.clients.ClientRegisterView).
            record_access(
                actor=self.request.user,
                action="view",
                objects=[dup.client],
                purpose=self._purpose(),
                detail={"duplicate": True},
            )
            detail: dict[str, Any] = dict(dup.message_dict)
            if selectors.clients_for(self.request.user).filter(pk=dup.client.pk).exists():
                detail["existing_client"] = dup.client.pk
            raise ValidationError(detail) from dup

    def perform_update(self, serializer: Any) -> None:
        data = serializer.validated_data
        client = serializer.instance
        serializer.instance = call_service(
            services.client_update,
            actor=self.request.user,
            client=client,
            client_ref=data.get("client_ref", client.client_ref),
            personnummer=data.get("personnummer", ""),
            birth_date=data.get("birth_date")
            if client.person_key
            else data.get("birth_date", client.birth_date),
            sex=data.get("sex", "" if client.person_key else client.sex),
            expected_version=self.expected_version(data.get("version")),
        )

    @extend_schema(request=IdentityLookupSerializer, responses=ClientSerializer(many=True))
    @action(detail=False, methods=["post"])
    def lookup(self, request: Request) -> Response:
        """Find clients by personnummer or samordningsnummer (POSTed, never in the address)."""
        body = IdentityLookupSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            identity = parse_identity(body.validated_data["personnummer"])
        except DjangoValidationError as exc:
            raise ValidationError({"personnummer": exc.messages}) from exc
        found = list(
            Client.objects.restrict(request.user, Action.VIEW_INDIVIDUAL).filter(
                person_key=identity.person_key
            )
        )
        record_access(
            actor=request.user,
            action="list",
            objects=found,
            model=Client,
            detail={"search": "identity"},
        )
        return Response(ClientSerializer(found, many=True, context={"request": request}).data)


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
    FIELDS = ["intervention_type", "legal_basis", "decided_on", "executed_on", "comment"]

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
    FIELDS = [
        "intervention_type",
        "decision",
        "provider",
        "started_on",
        "ended_on",
        "end_reason",
        "sessions_planned",
        "sessions_held",
        "sessions_missed",
        "comment",
    ]

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


class ProviderViewSet(viewsets.ReadOnlyModelViewSet):
    """Providers usable in your municipalities: their own and every external one."""

    personal_data = False
    serializer_class = ProviderSerializer

    def get_queryset(self) -> Any:
        municipalities = (
            OrgUnit.objects.restrict(self.request.user, Action.VIEW_ORG)
            .exclude(municipality__isnull=True)
            .values("municipality")
        )
        return (
            Provider.objects.filter(
                Q(kind=Provider.Kind.EXTERNAL) | Q(municipality__in=municipalities)
            )
            .prefetch_related("intervention_types")
            .order_by("name")
        )


def catalogue_viewset(
    model: type[models.Model], extra: list[str]
) -> type[viewsets.ReadOnlyModelViewSet]:
    """A read-only endpoint for one catalogue, looked up by code."""
    meta = type(
        "Meta", (), {"model": model, "fields": ["code", "name", "name_en", "active", *extra]}
    )
    fields: dict[str, Any] = {"Meta": meta}
    if "group" in extra:
        fields["group"] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    serializer = type(f"{model.__name__}Serializer", (serializers.ModelSerializer,), fields)
    return type(
        f"{model.__name__}ViewSet",
        (viewsets.ReadOnlyModelViewSet,),
        {
            "personal_data": False,
            "serializer_class": serializer,
            "lookup_field": "code",
            "queryset": model._default_manager.order_by("sort_order", "name"),
            "__doc__": f"The {model._meta.verbose_name_plural} catalogue (codes used by the API "
            "and imports).",
        },
    )


CATALOGUES: list[tuple[str, type[models.Model], list[str]]] = [
    ("intervention-types", InterventionType, ["group", "is_placement"]),
    (
        "legal-bases",
        LegalBasis,
        ["law", "statute", "paragraph", "valid_from", "valid_to"],
    ),
    ("case-sources", CaseSource, []),
    ("intake-reasons", IntakeReason, ["area"]),
    ("end-reasons", EndReason, ["outcome"]),
]


def register(router: DefaultRouter) -> list[ApiExtra]:
    """Add this app's viewsets to the router; return extra (non-router) API paths."""
    router.register("clients", ClientViewSet, basename="client")
    router.register("cases", CaseViewSet, basename="case")
    router.register("decisions", DecisionViewSet, basename="decision")
    router.register("interventions", InterventionViewSet, basename="intervention")
    router.register("providers", ProviderViewSet, basename="provider")
    for prefix, model, extra in CATALOGUES:
        router.register(
            f"catalogues/{prefix}",
            catalogue_viewset(model, extra),
            basename=model._meta.model_name,
        )
    return []
