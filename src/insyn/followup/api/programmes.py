"""Programmes with stages and variables (read-only, no personal data)."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets

from insyn.core.api import ScopedViewSetMixin
from insyn.core.roles import Action
from insyn.followup import selectors
from insyn.followup.models import (
    Option,
    Programme,
    Stage,
    StageVariable,
    Variable,
)
from insyn.followup.spec import STAGE_FIELDS

# --- programmes ------------------------------------------------------------------------------


class OptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["code", "label", "label_en", "value", "is_missing"]
        read_only_fields = fields


class VariableSerializer(serializers.ModelSerializer):
    option_set: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )
    instrument: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )
    options = serializers.SerializerMethodField()

    class Meta:
        model = Variable
        fields = [
            "key",
            "label",
            "type",
            "help_text",
            "option_set",
            "options",
            "instrument",
            "unit",
            "min_value",
            "max_value",
            "direction",
            "is_main_measure",
        ]

    @extend_schema_field(OptionSerializer(many=True))
    def get_options(self, variable: Variable) -> list[dict[str, Any]]:
        if variable.option_set is None:
            return []
        return list(OptionSerializer(variable.option_set.options.all(), many=True).data)


class StageVariableSerializer(serializers.ModelSerializer):
    variable: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )

    class Meta:
        model = StageVariable
        fields = ["variable", "required"]


class StageSerializer(serializers.ModelSerializer):
    variables = StageVariableSerializer(source="stage_variables", many=True, read_only=True)

    class Meta:
        model = Stage
        fields = [*STAGE_FIELDS, "variables"]


class ProgrammeSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    intervention_types: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    stages = StageSerializer(many=True, read_only=True)
    variables = VariableSerializer(many=True, read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "key",
            "version",
            "name",
            "status",
            "published_at",
            "previous",
            "owner",
            "owner_name",
            "purpose",
            "target_group",
            "intervention_types",
            "units",
            "auto_enroll",
            "sampling",
            "sampling_days",
            "sampling_from",
            "sampling_to",
            "stages",
            "variables",
        ]
        read_only_fields = fields


@extend_schema(
    parameters=[
        OpenApiParameter("key", str, description="Only versions of this programme key."),
        OpenApiParameter("status", str, description="draft, published or retired."),
    ]
)
class ProgrammeViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Follow-up programmes that apply to the user's units (drafts only for their designers),
    with stages and variables. No personal data."""

    personal_data: ClassVar[bool] = False
    serializer_class = ProgrammeSerializer
    scope_action = Action.VIEW_ORG

    def get_queryset(self) -> Any:
        qs = selectors.programmes_visible(self.request.user).prefetch_related(
            "intervention_types",
            "units",
            "stages__stage_variables__variable",
            "variables__option_set__options",
            "variables__instrument",
        )
        params = self.request.query_params
        if params.get("key"):
            qs = qs.filter(key=params["key"])
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        return qs.order_by("key", "-version")
