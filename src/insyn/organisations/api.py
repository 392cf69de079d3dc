from __future__ import annotations

from typing import Any

from rest_framework import serializers, viewsets

from insyn.core.api import AuditedReadOnlyViewSet, ScopedViewSetMixin, int_param
from insyn.core.roles import Action
from insyn.organisations.models import Membership, OrgUnit


class OrgUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "kind", "parent", "path", "depth", "active"]
        read_only_fields = fields


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "username", "org_unit", "org_unit_name", "role", "created_at"]


class OrgUnitViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Organisation units the user can see (no personal data)."""

    personal_data = False
    serializer_class = OrgUnitSerializer
    scope_action = Action.VIEW_ORG

    def get_base_queryset(self) -> Any:
        qs = OrgUnit.objects.select_related("parent")
        params = self.request.query_params
        if params.get("kind"):
            qs = qs.filter(kind=params["kind"])
        parent_id = int_param(self.request, "parent")
        if parent_id is not None:
            qs = qs.filter(parent_id=parent_id)
        return qs


class MembershipViewSet(AuditedReadOnlyViewSet):
    """Who holds which role where, within the user's scope. Staff data: reads are audited."""

    serializer_class = MembershipSerializer
    scope_action = Action.VIEW_ORG

    def get_base_queryset(self) -> Any:
        return Membership.objects.select_related("user", "org_unit")
