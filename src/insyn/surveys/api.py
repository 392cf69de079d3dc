"""REST endpoints of the surveys app: questionnaires, invitations, responses and results.

Same rules as the web: reads through restrict(), individual reads audited, writes through the
services, results suppressed and without free text.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from insyn.core.api import (
    ApiExtra,
    AuditedReadOnlyViewSet,
    ScopedViewSetMixin,
    int_param,
    service_error,
)
from insyn.core.roles import Action
from insyn.core.schema import NOT_FOUND
from insyn.core.scoping import has_action
from insyn.followup.models import NonResponseReason
from insyn.surveys import results as res
from insyn.surveys import selectors
from insyn.surveys.models import Answer, Invitation, Questionnaire, Response
from insyn.surveys.services import invitations as invitation_services
from insyn.surveys.services import questionnaires as questionnaire_services
from insyn.surveys.services import responses as response_services


class QuestionnaireSerializer(serializers.ModelSerializer):
    definition = serializers.SerializerMethodField()

    class Meta:
        model = Questionnaire
        fields = [
            "id",
            "key",
            "version",
            "name",
            "name_en",
            "status",
            "anonymous",
            "owner",
            "published_at",
            "definition",
        ]
        read_only_fields = fields

    def get_definition(self, obj: Questionnaire) -> dict[str, Any]:
        """The same structure as the YAML export (sections, questions, options)."""
        return questionnaire_services.questionnaire_to_dict(obj)


class QuestionnaireViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Questionnaire versions the user can see (definitions; no personal data)."""

    personal_data = False
    serializer_class = QuestionnaireSerializer
    scope_action = Action.VIEW_ORG

    def get_base_queryset(self) -> Any:
        qs = Questionnaire.objects.select_related("owner").prefetch_related(
            *questionnaire_services.QUESTIONS_PREFETCH
        )
        key = self.request.query_params.get("key")
        return qs.filter(key=key) if key else qs


class AnswerSerializer(serializers.ModelSerializer):
    question = serializers.CharField(source="question.key", read_only=True)

    class Meta:
        model = Answer
        fields = ["question", "number", "text", "choices", "unknown"]
        read_only_fields = fields


class ResponseSerializer(serializers.ModelSerializer):
    questionnaire_key = serializers.CharField(source="questionnaire.key", read_only=True)
    answers = AnswerSerializer(many=True, read_only=True)
    non_response_reason: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Response
        fields = [
            "id",
            "questionnaire",
            "questionnaire_key",
            "respondent_role",
            "occasion",
            "intervention",
            "provider",
            "round",
            "unit",
            "status",
            "mode",
            "non_response_reason",
            "note",
            "submitted_on",
            "answers",
        ]
        read_only_fields = fields


class NonResponseSerializer(serializers.Serializer):
    reason = serializers.SlugRelatedField(
        slug_field="code", queryset=NonResponseReason.objects.filter(active=True)
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ResponseViewSet(AuditedReadOnlyViewSet):
    """Expected and given responses of individuals (audited). Filter with ?occasion= or ?status=."""

    serializer_class = ResponseSerializer
    scope_action = Action.VIEW_INDIVIDUAL

    def get_base_queryset(self) -> Any:
        qs = Response.objects.select_related(  # the enrolment names the client (audit)
            "questionnaire", "non_response_reason", "occasion__enrollment"
        ).prefetch_related("answers__question")
        params = self.request.query_params
        occasion_id = int_param(self.request, "occasion")
        if occasion_id is not None:
            qs = qs.filter(occasion_id=occasion_id)
        if params.get("status") in Response.Status.values:
            qs = qs.filter(status=params["status"])
        return qs.order_by("id")

    @extend_schema(request=NonResponseSerializer, responses=ResponseSerializer)
    @action(detail=True, methods=["post"], url_path="non-response")
    def non_response(self, request: Request, pk: str | None = None) -> ApiResponse:
        """Record non-response with a reason from the non-response catalogue."""
        response = self.get_object()
        data = NonResponseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            response = response_services.response_record_non_response(
                actor=request.user, response=response, **data.validated_data
            )
        except ValidationError as exc:
            raise service_error(exc) from exc
        return ApiResponse(ResponseSerializer(response).data)


class InvitationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Invitation
        fields = [
            "id",
            "questionnaire",
            "respondent_role",
            "response",
            "round",
            "channel",
            "language",
            "expires_at",
            "used_at",
            "revoked_at",
            "created_at",
        ]
        read_only_fields = fields


class InvitationCreateSerializer(serializers.Serializer):
    response = serializers.IntegerField()
    channel = serializers.ChoiceField(choices=Invitation.Channel.choices)
    contact = serializers.CharField(required=False, allow_blank=True, default="")
    expires_in_days = serializers.IntegerField(default=30, min_value=1, max_value=120)
    language = serializers.ChoiceField(choices=["sv", "en"], default="sv")
    reminder_days = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=90), required=False, default=list
    )


class InvitationCreatedSerializer(InvitationSerializer):
    link = serializers.CharField(
        read_only=True, allow_null=True, help_text="Shown once, for links handed over."
    )

    class Meta(InvitationSerializer.Meta):
        fields = [*InvitationSerializer.Meta.fields, "link"]
        read_only_fields = fields


class InvitationViewSet(AuditedReadOnlyViewSet):
    """Invitations (audited). POST creates one for an expected response; a handed-over link is
    returned once and never again."""

    serializer_class = InvitationSerializer
    scope_action = Action.VIEW_INDIVIDUAL

    def get_base_queryset(self) -> Any:
        return Invitation.objects.select_related("response__occasion__enrollment").order_by("id")

    @extend_schema(
        request=InvitationCreateSerializer,
        responses={201: InvitationCreatedSerializer, 404: NOT_FOUND},  # a response out of scope
    )
    def create(self, request: Request) -> ApiResponse:
        data = InvitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        response = (
            Response.objects.restrict(request.user, Action.CHANGE_INDIVIDUAL)
            .filter(pk=d.pop("response"))
            .first()
        )
        if response is None:
            raise Http404
        try:
            invitation, token = invitation_services.invitation_create(
                actor=request.user, response=response, **d
            )
        except ValidationError as exc:
            raise service_error(exc) from exc
        body = dict(InvitationSerializer(invitation).data)
        body["link"] = invitation_services.link_for(token) if token else None
        return ApiResponse(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> ApiResponse:
        invitation = self.get_object()
        try:
            invitation = invitation_services.invitation_revoke(
                actor=request.user, invitation=invitation
            )
        except ValidationError as exc:
            raise service_error(exc) from exc
        return ApiResponse(InvitationSerializer(invitation).data)


class ResultRowSerializer(serializers.Serializer):
    """One question and group; the chosen breakdowns appear as extra keys."""

    question = serializers.CharField()
    text = serializers.CharField()
    n = serializers.IntegerField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    share_positive = serializers.FloatField(allow_null=True)
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField()
    distribution = serializers.DictField(
        child=serializers.IntegerField(allow_null=True),
        help_text="Answers per value or option code; null where a small count is hidden.",
    )


class ResultsApiView(APIView):
    """Suppressed results per question and group (no individuals, no free text)."""

    personal_data = False

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "questionnaire", OpenApiTypes.STR, required=True, description="Questionnaire key."
            ),
            OpenApiParameter(
                "by", OpenApiTypes.STR, description="Comma-separated: role,unit,provider,period."
            ),
        ],
        responses=inline_serializer(
            name="SurveyResults",
            fields={
                "questionnaire": serializers.CharField(),
                "version": serializers.IntegerField(),
                "respondents": serializers.IntegerField(),
                "withheld": serializers.BooleanField(),
                "by": serializers.ListField(child=serializers.CharField()),
                "rows": ResultRowSerializer(many=True),
            },
        ),
    )
    def get(self, request: Request) -> ApiResponse:
        if not has_action(request.user, Action.VIEW_AGGREGATE):
            raise Http404
        key = str(request.query_params.get("questionnaire", ""))
        if not selectors.questionnaires(request.user).filter(key=key).exists():
            raise Http404
        questionnaire = res.latest_version(key)
        assert questionnaire is not None
        by = [d for d in str(request.query_params.get("by", "")).split(",") if d]
        bad = [d for d in by if d not in res.DIMENSIONS]
        if bad:
            raise serializers.ValidationError({"by": [f"unknown: {', '.join(bad)}"]})
        result = res.questionnaire_results(
            questionnaire, selectors.results_responses(request.user), by
        )
        return ApiResponse(
            {
                "questionnaire": questionnaire.key,
                "version": questionnaire.version,
                "respondents": result.respondents,
                "withheld": result.withheld,
                "by": by,
                "rows": result.rows(),
            }
        )


def register(router: DefaultRouter) -> list[ApiExtra]:
    router.register("questionnaires", QuestionnaireViewSet, basename="questionnaire")
    router.register("survey-responses", ResponseViewSet, basename="surveyresponse")
    router.register("survey-invitations", InvitationViewSet, basename="surveyinvitation")
    return [path("survey-results/", ResultsApiView.as_view(), name="survey-results")]
