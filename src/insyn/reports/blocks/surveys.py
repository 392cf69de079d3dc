"""User-survey results per quality criterion: for the report year and the year before, each
question tagged with a criterion, its share positive and its number of answers.

The figures are the survey results page's own (`surveys.results.questionnaire_results` over
`surveys.selectors.results_responses`, with its suppression): one computation per questionnaire
and year over the responses submitted that year in the report's units. Questions are not pooled
into one figure per criterion here — a pooled share would be a new figure with its own
suppression; the key-figure tables already carry the pooled `user_assessment` indicators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from insyn.indicators.selectors.page_data import fmt
from insyn.reports.blocks import BuildContext, figures, register
from insyn.reports.document import Block, Cell, Message, Table
from insyn.reports.spec import text
from insyn.surveys import results as res
from insyn.surveys import selectors
from insyn.surveys.models import QualityCriterion, Question, RespondentRole

ROLE_LABELS = dict(RespondentRole.choices)
# the question types with a share positive (numbers and single choices have none)
SHARE_TYPES = (Question.Type.SCALE, Question.Type.YES_NO)


@dataclass
class YearResult:
    year: int
    result: res.Results | None  # None: nobody answered that year in the user's view

    def cells(self, question: str) -> tuple[res.Cell | None, bool]:
        """(the question's total cell, withheld): withheld when an anonymous year is too small."""
        if self.result is None:
            return None, False
        if self.result.withheld:
            return None, True
        found = next((q for q in self.result.questions if q.key == question), None)
        return (found.total if found else None), False


def _year_result(ctx: BuildContext, key: str, year: int) -> YearResult:
    questionnaire = res.latest_version(key)
    responses = selectors.results_responses(ctx.user).filter(
        unit__path__startswith=ctx.unit.path, submitted_on__year=year
    )
    if questionnaire is None or not responses.filter(questionnaire__key=key).exists():
        return YearResult(year, None)
    return YearResult(year, res.questionnaire_results(questionnaire, responses))


def _share_cells(ctx: BuildContext, cell: res.Cell | None, withheld: bool) -> list[Cell]:
    if withheld or (cell is not None and cell.suppressed):
        hidden = figures.hidden_text(ctx)
        return [Cell(hidden, None, suppressed=True), Cell(hidden, None, suppressed=True)]
    if cell is None or cell.n == 0:
        return [Cell("–"), Cell("–")]
    if cell.share_positive is None:  # a small count of positive or not-positive answers
        share = Cell(figures.hidden_text(ctx), None, suppressed=True)
    else:
        pct = 100 * cell.share_positive
        share = Cell(fmt(pct, "percent"), pct)
    return [share, Cell(figures.number(cell.n), cell.n)]


def _keys(ctx: BuildContext, spec: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The questionnaire keys to show (the user's, or the ones the template names) and
    messages about named ones the user cannot see."""
    visible = dict(selectors.questionnaire_keys(ctx.user))
    wanted = spec.get("questionnaire") or spec.get("questionnaires") or []
    if isinstance(wanted, str):
        wanted = [wanted]
    if not wanted:
        return list(visible), []
    missing = [
        _("There is no questionnaire %(key)s that you may read.") % {"key": k}
        for k in wanted
        if str(k) not in visible
    ]
    return [str(k) for k in wanted if str(k) in visible], missing


@register("survey_results")
def survey_results(ctx: BuildContext, spec: dict[str, Any]) -> Block:
    title = text(spec.get("title"), ctx.language)
    keys, messages = _keys(ctx, spec)
    criteria_codes = [str(c) for c in spec.get("criteria") or []]
    criteria = {c.code: c for c in QualityCriterion.objects.all()}
    messages += [
        _("There is no quality criterion %(code)s.") % {"code": c}
        for c in criteria_codes
        if c not in criteria
    ]
    wanted = [criteria[c].pk for c in criteria_codes if c in criteria]
    years = [ctx.year - 1, ctx.year]
    items: list[Any] = []
    sources: list[str] = []
    for key in keys:
        questionnaire = res.latest_version(key)
        assert questionnaire is not None  # a visible key has a version
        questions = (
            Question.objects.filter(
                section__questionnaire=questionnaire, quality_criterion__isnull=False
            )
            .filter(type__in=SHARE_TYPES)
            .select_related("quality_criterion", "section")
            .order_by("quality_criterion__sort_order", "section__sort_order", "sort_order", "id")
        )
        if wanted:
            questions = questions.filter(quality_criterion__in=wanted)
        questions_list = list(questions)
        if not questions_list:
            continue
        per_year = [_year_result(ctx, key, y) for y in years]
        if per_year[-1].result is None:
            messages.append(
                _("%(name)s: no answers in %(year)s.")
                % {"name": questionnaire.label, "year": ctx.year}
            )
            if per_year[0].result is None:
                continue
        rows = []
        for q in questions_list:
            role = ROLE_LABELS.get(q.role())
            label = f"{q.label} ({role})" if role else q.label
            row = [Cell(q.quality_criterion.label, header=True), Cell(label, header=True)]  # type: ignore[union-attr]
            for yr in per_year:
                row += _share_cells(ctx, *yr.cells(q.key))
            rows.append(row)
        notes = [
            _("Share positive: 4 or 5 on the five-point scale, or yes."),
            _("Hidden: fewer than %(n)s answers.") % {"n": figures._min_cell()},
        ]
        if questionnaire.anonymous:
            notes.append(
                _("An anonymous survey is shown only once at least %(n)s people have answered.")
                % {"n": figures._min_cell()}
            )
        source = _("insyn's own data: the survey %(name)s") % {"name": questionnaire.label}
        sources.append(source)
        items.append(
            Table(
                caption=_("%(name)s: share positive per quality criterion")
                % {"name": questionnaire.label},
                columns=[
                    _("Quality criterion"),
                    _("Question"),
                    *[
                        col
                        for y in years
                        for col in (
                            _("Share positive %(year)s") % {"year": y},
                            _("Answers %(year)s") % {"year": y},
                        )
                    ],
                ],
                rows=rows,
                source=source,
                period=f"{years[0]}-01-01 – {years[-1]}-12-31",
                notes=notes,
            )
        )
    if not items:
        messages.append(_("No survey answers in %(year)s.") % {"year": ctx.year})
    items += [Message(m) for m in dict.fromkeys(messages)]
    return Block(spec["id"], "survey_results", title, items, sources)
