"""The case worker's side: occasions that ask questionnaires, invitations, dialog interviews,
non-response, answered responses and scheduled messages. Every read of a person is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.core.audit import record_access
from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope
from insyn.core.validation import parse_int
from insyn.core.viewmixins import InsynView, get_scoped_object_or_404
from insyn.followup.models import Occasion
from insyn.surveys import selectors
from insyn.surveys.forms import InviteForm, MessageForm, ModeForm, NonResponseForm
from insyn.surveys.models import Invitation, Response, ScheduledMessage
from insyn.surveys.services import invitations as invitation_services
from insyn.surveys.services import messaging
from insyn.surveys.services import responses as response_services
from insyn.surveys.services.answers import draft_from_answers, questions_for, read_form
from insyn.surveys.views.fields import build_fields
from insyn.surveys.views.handout import qr_data_uri


class OccasionListView(InsynView):
    """Work list: follow-up occasions whose stage asks questionnaires."""

    personal_data = True
    required_action = Action.VIEW_INDIVIDUAL

    def get(self, request: HttpRequest) -> HttpResponse:
        # Waiting for someone: an expected response, or an open occasion not yet prepared.
        qs = selectors.survey_occasions(request.user).filter(
            Q(survey_responses__status=Response.Status.EXPECTED)
            | Q(survey_responses__isnull=True, status__in=Occasion.OPEN_STATUSES)
        )
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        record_access(actor=request.user, action="list", objects=list(page), model=Occasion)
        return render(request, "surveys/occasions.html", {"page": page})


class OccasionSurveysView(InsynView):
    personal_data = True
    required_action = Action.VIEW_INDIVIDUAL

    def _occasion(self, request: HttpRequest, pk: int) -> Occasion:
        return get_scoped_object_or_404(
            request.user,
            selectors.survey_occasions(request.user),
            Occasion.objects.filter(stage__questionnaires__isnull=False),
            pk=pk,
        )

    def _render(
        self, request: HttpRequest, occasion: Occasion, status: int = 200, **forms: Any
    ) -> HttpResponse:
        responses = list(
            occasion.survey_responses.select_related("questionnaire", "non_response_reason")
            .prefetch_related("invitations__messages")
            .order_by("respondent_role")
        )
        can_change = path_in_scope(
            request.user, Action.CHANGE_INDIVIDUAL, occasion.enrollment.unit.path
        )
        context = {
            "occasion": occasion,
            "client": occasion.enrollment.client,
            "intervention": occasion.enrollment.intervention,
            "responses": responses,
            "can_change": can_change,
            "invite_form": forms.get("invite_form") or InviteForm(responses=responses),
            "non_response_form": forms.get("non_response_form")
            or NonResponseForm(responses=responses),
            "new_link": forms.get("new_link"),
            "now": timezone.now(),
        }
        record_access(
            actor=request.user,
            action="view",
            objects=[occasion],
            purpose=request.GET.get("purpose", ""),
        )
        return render(request, "surveys/occasion.html", context, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        occasion = self._occasion(request, pk)
        if path_in_scope(request.user, Action.CHANGE_INDIVIDUAL, occasion.enrollment.unit.path):
            response_services.expected_responses_ensure(actor=request.user, occasion=occasion)
        return self._render(request, occasion)

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        occasion = self._occasion(request, pk)
        responses = list(occasion.survey_responses.all())
        by_pk = {r.pk: r for r in responses}
        op = request.POST.get("op")
        try:
            if op == "invite":
                form = InviteForm(request.POST, responses=responses)
                if not form.is_valid():
                    return self._render(request, occasion, 400, invite_form=form)
                d = form.cleaned_data
                try:
                    invitation, token = invitation_services.invitation_create(
                        actor=request.user,
                        response=by_pk[d["response"]],
                        channel=d["channel"],
                        contact=d["contact"],
                        expires_in_days=d["expires_in_days"],
                        language=d["language"],
                        reminder_days=d["reminder_days"],
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                    return self._render(request, occasion, 400, invite_form=form)
                if token:
                    return self._render(
                        request,
                        occasion,
                        new_link={
                            "url": invitation_services.link_for(token),
                            "qr": qr_data_uri(invitation_services.link_for(token)),
                            "token": token,
                            "role": invitation.get_respondent_role_display(),
                        },
                    )
                messages.success(request, _("The invitation is scheduled."))
            elif op == "non_response":
                nr_form = NonResponseForm(request.POST, responses=responses)
                if not nr_form.is_valid():
                    return self._render(request, occasion, 400, non_response_form=nr_form)
                d = nr_form.cleaned_data
                try:
                    response_services.response_record_non_response(
                        actor=request.user,
                        response=by_pk[d["response"]],
                        reason=d["reason"],
                        note=d["note"],
                    )
                except ValidationError as exc:
                    add_service_errors(nr_form, exc)
                    return self._render(request, occasion, 400, non_response_form=nr_form)
                messages.success(request, _("The non-response is recorded."))
            elif op == "revoke":
                invitation_id = parse_int(request.POST.get("invitation", ""))
                if invitation_id is None:
                    raise Http404
                invitation = get_scoped_object_or_404(
                    request.user,
                    Invitation.objects.restrict(request.user, Action.CHANGE_INDIVIDUAL).filter(
                        response__occasion=occasion
                    ),
                    Invitation.objects.filter(response__occasion=occasion),
                    pk=invitation_id,
                )
                invitation_services.invitation_revoke(actor=request.user, invitation=invitation)
                messages.success(request, _("The link no longer works."))
            else:
                record_access(actor=request.user, action="view", objects=[occasion])
                messages.error(request, _("Unknown action."))
        except ValidationError as exc:
            record_access(actor=request.user, action="view", objects=[occasion])
            messages.error(request, " ".join(exc.messages))
        return redirect("surveys:occasion", pk=occasion.pk)


class ResponseEnterView(InsynView):
    """A dialog interview (or a neutral interviewer's record) entered by staff."""

    personal_data = True
    required_action = Action.CHANGE_INDIVIDUAL

    def _response(self, request: HttpRequest, pk: int) -> Response:
        response = get_scoped_object_or_404(
            request.user,
            selectors.individual_responses(request.user, Action.CHANGE_INDIVIDUAL),
            pk=pk,
        )
        if response.occasion_id is None:
            raise Http404
        return response

    def _render(
        self,
        request: HttpRequest,
        response: Response,
        draft: dict[str, Any],
        errors: dict[str, str],
        mode_form: ModeForm,
        status: int = 200,
    ) -> HttpResponse:
        questions = questions_for(
            response.questionnaire, response.respondent_role, response.respondent_age
        )
        fields = build_fields(questions, draft, errors)
        record_access(actor=request.user, action="view", objects=[response])
        return render(
            request,
            "surveys/response_enter.html",
            {
                "response": response,
                "fields": fields,
                "errors": [f for f in fields if f["error"]],
                "mode_form": mode_form,
            },
            status=status,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        response = self._response(request, pk)
        return self._render(request, response, {}, {}, ModeForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        response = self._response(request, pk)
        questions = questions_for(
            response.questionnaire, response.respondent_role, response.respondent_age
        )
        draft = read_form(questions, request.POST)
        mode_form = ModeForm(request.POST)
        if not mode_form.is_valid():
            return self._render(request, response, draft, {}, mode_form, 400)
        try:
            response_services.response_enter(
                actor=request.user,
                response=response,
                draft=draft,
                mode=mode_form.cleaned_data["mode"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                errors = {k: v[0] for k, v in exc.message_dict.items()}
                return self._render(request, response, draft, errors, mode_form, 400)
            record_access(actor=request.user, action="view", objects=[response])
            messages.error(request, " ".join(exc.messages))
            return redirect("surveys:occasion", pk=response.occasion_id)
        messages.success(request, _("The answers are saved."))
        return redirect("surveys:occasion", pk=response.occasion_id)


class ResponseDetailView(InsynView):
    """One person's answers, free text included (individual access only; audited)."""

    personal_data = True
    required_action = Action.VIEW_INDIVIDUAL

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        response = get_scoped_object_or_404(
            request.user,
            selectors.individual_responses(request.user).filter(status=Response.Status.SUBMITTED),
            Response.objects.filter(status=Response.Status.SUBMITTED),
            pk=pk,
        )
        record_access(
            actor=request.user,
            action="view",
            objects=[response],
            purpose=request.GET.get("purpose", ""),
        )
        questions = questions_for(
            response.questionnaire, response.respondent_role, response.respondent_age
        )
        answers = {a.question_id: a for a in response.answers.all()}
        draft = draft_from_answers(response)
        rows = []
        for f in build_fields(questions, draft, {}):
            chosen = [c["label"] for c in f["choices"] if c["checked"]]
            rows.append({"label": f["label"], "shown": ", ".join(chosen) if chosen else f["value"]})
        return render(
            request,
            "surveys/response_detail.html",
            {"response": response, "rows": rows, "answered": len(answers)},
        )


class MessageEditView(InsynView):
    """Change the text or time of a message that has not gone out yet."""

    personal_data = True
    required_action = Action.CHANGE_INDIVIDUAL

    def _message(self, request: HttpRequest, pk: int) -> ScheduledMessage:
        units = selectors.units_for(request.user, Action.CHANGE_INDIVIDUAL).values("pk")
        return get_scoped_object_or_404(
            request.user,
            ScheduledMessage.objects.select_related("invitation__response").filter(
                invitation__unit__in=units
            ),
            pk=pk,
        )

    def _render(
        self, request: HttpRequest, message: ScheduledMessage, form: MessageForm, status: int = 200
    ) -> HttpResponse:
        record_access(actor=request.user, action="view", objects=[message.invitation])
        return render(
            request, "surveys/message_edit.html", {"message": message, "form": form}, status=status
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        message = self._message(request, pk)
        form = MessageForm(
            initial={
                "send_at": timezone.localtime(message.send_at).replace(
                    second=0, microsecond=0, tzinfo=None
                ),
                "subject": message.subject,
                "body": message.body,
            }
        )
        return self._render(request, message, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        message = self._message(request, pk)
        back = message.invitation.response.occasion_id if message.invitation.response_id else None  # type: ignore[union-attr]
        if request.POST.get("op") == "cancel":
            try:
                messaging.message_cancel(actor=request.user, message=message)
            except ValidationError as exc:
                record_access(actor=request.user, action="view", objects=[message.invitation])
                messages.error(request, " ".join(exc.messages))
            return redirect("surveys:occasion", pk=back) if back else redirect("surveys:rounds")
        form = MessageForm(request.POST)
        if form.is_valid():
            send_at: dt.datetime = form.cleaned_data["send_at"]
            try:
                messaging.message_update(
                    actor=request.user,
                    message=message,
                    send_at=send_at,
                    body=form.cleaned_data["body"],
                    subject=form.cleaned_data["subject"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The message is changed."))
                return redirect("surveys:occasion", pk=back) if back else redirect("surveys:rounds")
        return self._render(request, message, form, 400)
