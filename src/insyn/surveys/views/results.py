"""Group results (suppressed, no individuals), survey rounds, and free text for roles with
individual access."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    QueryDict,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.core import exports as files
from insyn.core.audit import record_access
from insyn.core.roles import Action
from insyn.core.scoping import has_action, path_in_scope
from insyn.core.viewmixins import InsynView
from insyn.followup.models import NonResponseReason
from insyn.surveys import results as res
from insyn.surveys import results_export, selectors
from insyn.surveys.forms import ResultsForm, RoundForm, RoundInviteForm
from insyn.surveys.models import (
    Invitation,
    Questionnaire,
    QuestionOption,
    RespondentRole,
    SurveyRound,
)
from insyn.surveys.services import invitations as services

ROLE_LABELS = dict(RespondentRole.choices)


def _label_groups(result: res.Results) -> None:
    """Role codes, yes/no and option codes in the reader's language."""
    labels: dict[tuple[str, str], str] = {
        (o.question.key, o.code): o.display
        for o in QuestionOption.objects.filter(
            question__section__questionnaire=result.questionnaire
        ).select_related("question")
    }
    yes_no = {"yes": _("Yes"), "no": _("No")}
    for q in result.questions:
        for cell in [q.total, *q.groups]:
            if "role" in cell.group:
                cell.group["role"] = str(ROLE_LABELS.get(cell.group["role"], cell.group["role"]))
            cell.shown_distribution = [  # type: ignore[attr-defined]
                (yes_no.get(k) or labels.get((q.key, k)) or k, n)
                for k, n in cell.distribution.items()
            ]


class ResultsView(InsynView):
    """Per question: n, mean, share positive with a 95 % Wilson interval, by the chosen
    breakdowns; response rates and non-response; respondents side by side."""

    personal_data = False
    required_action = Action.VIEW_AGGREGATE

    def get(self, request: HttpRequest) -> HttpResponse:
        keys = selectors.questionnaire_keys(request.user)
        data = request.GET.copy()
        if "questionnaire" not in data and keys:
            data["questionnaire"] = keys[0][0]
        form = ResultsForm(data, keys=keys)
        context: dict[str, Any] = {"form": form, "min_cell": res.min_cell()}
        status = 200
        if keys and form.is_valid():
            questionnaire = res.latest_version(form.cleaned_data["questionnaire"])
            assert questionnaire is not None
            by = form.cleaned_data["by"]
            responses = selectors.results_responses(request.user)
            result = res.questionnaire_results(questionnaire, responses, by)
            _label_groups(result)
            rates = res.suppress_rates(
                res.response_rates(
                    responses.filter(questionnaire__key=questionnaire.key),
                    [d for d in by if d in ("role", "unit", "provider")] or ["role"],
                )
            )
            roles = [RespondentRole.CASE_WORKER, RespondentRole.CHILD, RespondentRole.GUARDIAN]
            placements, compare = 0, list[res.CompareRow]()
            if not questionnaire.anonymous:
                placements, compare = res.compare_roles(
                    questionnaire, responses, [str(r) for r in roles]
                )
            reasons = {r.code: r.label for r in NonResponseReason.objects.all()}
            for row in rates:
                row.group_labels = [  # type: ignore[attr-defined]
                    (d, str(ROLE_LABELS.get(v, v)) if d == "role" else v)
                    for d, v in row.group.items()
                ]
                row.reason_labels = [(reasons.get(c, c), n) for c, n in row.reasons.items()]  # type: ignore[attr-defined]
            for crow in compare:
                crow.cells = [crow.by_role.get(str(r)) for r in roles]  # type: ignore[attr-defined]
            context.update(
                questionnaire=questionnaire,
                result=result,
                by=by,
                rates=rates,
                compare=compare,
                compare_roles=[(str(r), r.label) for r in roles],
                placements=placements,
                placements_small=res.is_small(placements),
                rounds=[
                    (r, res.round_rate(r))
                    for r in selectors.rounds(request.user).filter(
                        questionnaire__key=questionnaire.key
                    )[:20]
                ],
                can_read_free_text=has_action(request.user, Action.VIEW_INDIVIDUAL),
                export_query=_export_query(questionnaire.key, by),
            )
        elif keys:
            status = 400
        return render(request, "surveys/results.html", context, status=status)


def _export_query(key: str, by: list[str]) -> str:
    query = QueryDict(mutable=True)
    query["questionnaire"] = key
    query.setlist("by", by)
    return query.urlencode()


class ResultsExportView(InsynView):
    """The results table as a file: Swedish CSV, XLSX or machine CSV (insyn.core.exports), the
    same restricted and suppressed figures as the page."""

    personal_data = False
    required_action = Action.VIEW_AGGREGATE

    def get(self, request: HttpRequest) -> HttpResponseBase:
        fmt = request.GET.get("format", "csv")
        if fmt not in files.FORMATS:
            raise Http404
        keys = selectors.questionnaire_keys(request.user)
        data = request.GET.copy()
        if "questionnaire" not in data and keys:
            data["questionnaire"] = keys[0][0]  # as the page does
        form = ResultsForm(data, keys=keys)
        if not keys or not form.is_valid():
            return HttpResponseBadRequest(_("Choose a questionnaire you can see results of."))
        questionnaire = res.latest_version(form.cleaned_data["questionnaire"])
        if questionnaire is None:
            raise Http404
        result = res.questionnaire_results(
            questionnaire, selectors.results_responses(request.user), form.cleaned_data["by"]
        )
        name = f"insyn-{questionnaire.key}-results-{timezone.localdate():%Y%m%d}"
        return files.download(fmt, name, results_export.sheet(result))


class RoundListView(InsynView):
    personal_data = False
    required_action = Action.VIEW_AGGREGATE

    def _form(self, request: HttpRequest, data: Any = None) -> RoundForm:
        return RoundForm(
            data,
            questionnaires=selectors.questionnaires(request.user).filter(
                status=Questionnaire.Status.PUBLISHED
            ),
            units=selectors.units_for(request.user, Action.CHANGE_INDIVIDUAL),
        )

    def get(
        self, request: HttpRequest, form: RoundForm | None = None, status: int = 200
    ) -> HttpResponse:
        rounds = selectors.rounds(request.user)
        return render(
            request,
            "surveys/rounds.html",
            {
                "rounds": [(r, res.round_rate(r)) for r in rounds[:100]],
                "form": form or self._form(request),
                "can_create": has_action(request.user, Action.CHANGE_INDIVIDUAL),
            },
            status=status,
        )

    def post(self, request: HttpRequest) -> HttpResponseBase:
        if not has_action(request.user, Action.CHANGE_INDIVIDUAL):
            raise Http404
        form = self._form(request, request.POST)
        if form.is_valid():
            try:
                survey_round = services.round_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                return redirect("surveys:round", pk=survey_round.pk)
        return self.get(request, form=form, status=400)


class RoundDetailView(InsynView):
    """A round's response rate, and issuing its links (shown once, never stored)."""

    personal_data = False
    required_action = Action.VIEW_AGGREGATE

    def _round(self, request: HttpRequest, pk: int) -> SurveyRound:
        return get_object_or_404(selectors.rounds(request.user), pk=pk)

    def get(
        self,
        request: HttpRequest,
        pk: int,
        form: RoundInviteForm | None = None,
        links: list[str] | None = None,
        status: int = 200,
        tokens: list[str] | None = None,
    ) -> HttpResponse:
        survey_round = self._round(request, pk)
        return render(
            request,
            "surveys/round.html",
            {
                "round": survey_round,
                "rate": res.round_rate(survey_round),
                "form": form or RoundInviteForm(),
                "links": links or [],
                "tokens": tokens or [],
                "can_invite": path_in_scope(
                    request.user, Action.CHANGE_INDIVIDUAL, survey_round.unit.path
                ),
                "min_cell": res.min_cell(),
            },
            status=status,
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        survey_round = self._round(request, pk)
        form = RoundInviteForm(request.POST)
        if not form.is_valid():
            return self.get(request, pk, form=form, status=400)
        d = form.cleaned_data
        try:
            issued = services.round_invite(
                actor=request.user,
                survey_round=survey_round,
                channel=d["channel"],
                contacts=d["contacts"],
                count=d.get("count") or 0,
                reminder_days=d["reminder_days"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
            return self.get(request, pk, form=form, status=400)
        tokens = [token for _inv, token in issued if token]
        links = [services.link_for(token) for token in tokens]
        if d["channel"] != Invitation.Channel.HANDED:
            messages.success(request, _("%(n)s invitations are scheduled.") % {"n": len(issued)})
            return redirect("surveys:round", pk=pk)
        return self.get(request, pk, links=links, tokens=tokens)


class FreeTextView(InsynView):
    """Free-text answers of one questionnaire: individual access only, every one audited."""

    personal_data = True
    required_action = Action.VIEW_INDIVIDUAL

    def get(self, request: HttpRequest, key: str) -> HttpResponse:
        questionnaire = res.latest_version(key)
        if (
            questionnaire is None
            or not selectors.questionnaires(request.user).filter(key=key).exists()
        ):
            raise Http404
        page = Paginator(selectors.free_text_answers(request.user, key), 50).get_page(
            request.GET.get("page")
        )
        record_access(
            actor=request.user,
            action="list",
            objects=[a.response for a in page],
            model=SurveyRound,
            detail={"free_text": key},
        )
        return render(
            request, "surveys/free_text.html", {"questionnaire": questionnaire, "page": page}
        )
