"""Clients: register, read, update, and find by personnummer (a POST, so the number stays out
of addresses and logs). A personnummer may be given but is never returned."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from insyn.clients import selectors, services
from insyn.clients.api.common import (
    IndividualViewSet,
    _versioned_schema,
    call_service,
)
from insyn.clients.models import (
    Client,
)
from insyn.core.api import (
    version_field,
)
from insyn.core.audit import record_access
from insyn.core.identity import parse_identity
from insyn.core.roles import Action
from insyn.organisations.models import OrgUnit


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
