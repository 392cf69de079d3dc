from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from insyn.accounts.models import User
from insyn.core.roles import PERMISSIONS


class MembershipBriefSerializer(serializers.Serializer):
    org_unit = serializers.IntegerField()
    org_unit_name = serializers.CharField()
    role = serializers.CharField()
    actions = serializers.ListField(child=serializers.CharField())


class MeSerializer(serializers.ModelSerializer):
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "memberships"]

    def get_memberships(self, user: User) -> list[dict[str, Any]]:
        return [
            {
                "org_unit": m.org_unit_id,
                "org_unit_name": m.org_unit.name,
                "role": m.role,
                "actions": sorted(PERMISSIONS.get(m.role, ())),
            }
            for m in user.memberships.select_related("org_unit")
        ]


class MeView(APIView):
    """The logged-in user and what each of their roles allows (their own data: not audited)."""

    personal_data = False

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)
