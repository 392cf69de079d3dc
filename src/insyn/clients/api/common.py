"""Shared pieces of the clients API: service calls that answer 400, scoped related fields and
the audited, versioned base viewset of individual data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from insyn.clients.views.base import identity_number_in_address
from insyn.core import context
from insyn.core.api import (
    AuditedReadMixin,
    HoldsAction,
    VersionedMixin,
    service_error,
    versioned_read_schema,
    versioned_write_schema,
)
from insyn.core.audit import record_access
from insyn.core.roles import Action
from insyn.core.scoping import ScopedModel

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
    permission_classes = [HoldsAction]

    def required_action(self) -> Action:
        """What the web asks of the same pages: reading needs individual access, writing the
        right to change it (see `HoldsAction`)."""
        return Action.VIEW_INDIVIDUAL if self.request.method in SAFE else Action.CHANGE_INDIVIDUAL

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
        return self.get_base_queryset().restrict(self.request.user, self.required_action())

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
