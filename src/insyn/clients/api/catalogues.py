"""Providers and catalogues (read only); catalogue values are given and returned as codes."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from rest_framework import serializers, viewsets

from insyn.clients.models import (
    CaseSource,
    EndReason,
    IntakeReason,
    InterventionType,
    LegalBasis,
    Provider,
)
from insyn.core.roles import Action
from insyn.organisations.models import OrgUnit


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
