"""The provider catalogue's figures: who carried out interventions for the municipality's clients
in a year, and each provider's results in insyn's own data, read as the user may see them and
suppressed by the code the rest of insyn uses (`core.suppression`, the surveys' `disclosure`,
the analytics engine's `aggregate`). Nothing here returns a count below the threshold or
anything about one person; the block (`providers.py`) only formats.

Deviations are recorded per organisation unit, not per provider (`quality.Deviation.unit`), so
they cannot be attributed to a provider and are not part of the catalogue.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q

from insyn.core.roles import Action
from insyn.core.suppression import TOTAL, suppress_groups
from insyn.reports.blocks import BuildContext

logger = logging.getLogger(__name__)


@dataclass
class Result:
    """One quality result of a provider: `n` the basis (answers or before/after pairs),
    `share` a proportion 0–1; None where suppression hides it."""

    kind: str  # survey / followup
    label: str
    n: int | None
    share: float | None
    suppressed: bool
    source: str


@dataclass
class ProviderLine:
    code: str
    name: str
    kind: str  # Provider.Kind label
    own: bool
    types: list[str]
    interventions: int | None  # None: hidden
    suppressed: bool
    results: list[Result] = field(default_factory=list)


@dataclass
class Catalogue:
    providers: list[ProviderLine]
    total: int | None  # all providers' interventions; None: hidden
    total_suppressed: bool
    sources: list[str]
    notes: list[str] = field(default_factory=list)


def min_cell() -> int:
    return int(settings.INSYN_MIN_CELL)


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def interventions_in_year(ctx: BuildContext) -> Any:
    """Interventions with a provider, for clients of the report's unit (and the cases the user
    may see in aggregate), that ran some time in the year."""
    from insyn.clients.models import Intervention

    first, last = _year_bounds(ctx.year)
    return (
        Intervention.objects.restrict(ctx.user, Action.VIEW_AGGREGATE)
        .filter(
            municipality=ctx.municipality,
            case__unit__path__startswith=ctx.unit.path,
            provider__isnull=False,
            started_on__isnull=False,
            started_on__lte=last,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
    )


def catalogue(ctx: BuildContext, *, followup_years: int = 3) -> Catalogue:
    """Every provider that carried out interventions in the year (and the municipality's own
    providers), with its suppressed intervention count and quality results."""
    from insyn.clients.models import Provider

    counts: dict[int, tuple[int, int]] = {
        row["provider_id"]: (row["n"], row["persons"])
        for row in interventions_in_year(ctx)
        .values("provider_id")
        .annotate(n=Count("id"), persons=Count("case__client_id", distinct=True))
    }
    providers = list(
        Provider.objects.filter(
            Q(pk__in=counts) | Q(kind=Provider.Kind.OWN, municipality=ctx.municipality)
        )
        .prefetch_related("intervention_types")
        .order_by("name", "code")
    )
    # One breakdown (provider) with its margin: a hidden provider gets a complement, so it
    # cannot be subtracted out of the total.
    groups: dict[tuple[Any, ...], int] = {
        (p.code,): counts[p.pk][0] for p in providers if p.pk in counts
    }
    persons: dict[tuple[Any, ...], int] = {
        (p.code,): counts[p.pk][1] for p in providers if p.pk in counts
    }
    total = sum(groups.values())
    hidden: set[tuple[Any, ...]] = set()
    if groups:
        table = {**groups, (TOTAL,): total}
        persons[(TOTAL,)] = sum(persons.values())
        hidden = suppress_groups(table, min_cell=min_cell(), persons=persons)
    surveys, survey_sources = survey_results(ctx)
    followups, followup_sources = followup_results(ctx, followup_years)
    lines = []
    for p in providers:
        key = (p.code,)
        shown = key not in hidden
        lines.append(
            ProviderLine(
                code=p.code,
                name=p.name,
                kind=str(p.get_kind_display()),
                own=p.kind == Provider.Kind.OWN,
                types=sorted(str(t) for t in p.intervention_types.all()),
                interventions=groups.get(key, 0) if shown else None,
                suppressed=not shown,
                results=[*surveys.get(p.name, []), *followups.get(p.code, [])],
            )
        )
    return Catalogue(
        providers=lines,
        total=None if (TOTAL,) in hidden else total,
        total_suppressed=(TOTAL,) in hidden,
        sources=sorted({*survey_sources, *followup_sources}),
    )


def survey_results(ctx: BuildContext) -> tuple[dict[str, list[Result]], list[str]]:
    """Per provider name: the share positive of each survey question tied to a quality
    criterion, from responses answered in the year for the unit's clients. The surveys'
    own results (`questionnaire_results` by provider) suppress groups and counts."""
    from insyn.surveys.models import Question, Response
    from insyn.surveys.results import latest_version, questionnaire_results

    responses = Response.objects.restrict(ctx.user, Action.VIEW_AGGREGATE).filter(
        unit__path__startswith=ctx.unit.path,
        status=Response.Status.SUBMITTED,
        submitted_on__year=ctx.year,
        provider__isnull=False,
    )
    out: dict[str, list[Result]] = defaultdict(list)
    sources = []
    keys = sorted(set(responses.values_list("questionnaire__key", flat=True)))
    for key in keys:
        questionnaire = latest_version(key)
        if questionnaire is None:
            continue
        results = questionnaire_results(questionnaire, responses, by=["provider"])
        if results.withheld:
            continue
        source = f"insyn: {questionnaire.label} ({ctx.year})"
        used = False
        for q in results.questions:
            if not q.quality_criterion or q.type not in (
                Question.Type.SCALE,
                Question.Type.YES_NO,
            ):
                continue
            for cell in q.groups:
                name = cell.group.get("provider", "")
                if not name or (not cell.suppressed and not cell.n):
                    continue
                used = True
                out[name].append(
                    Result(
                        kind="survey",
                        label=f"{q.quality_criterion}: {q.label}",
                        n=None if cell.suppressed else cell.n,
                        share=cell.share_positive,
                        suppressed=cell.suppressed,
                        source=source,
                    )
                )
        if used:
            sources.append(source)
    return out, sources


def followup_results(ctx: BuildContext, years: int) -> tuple[dict[str, list[Result]], list[str]]:
    """Per provider code: the share improved between the main before and after stage of each
    main measure (the unit dashboard's "main changes"), for enrolments that started in the
    `years` years up to the report year, through the analytics engine grouped by provider."""
    from insyn.analytics.aggregate import AnalysisError, AnalysisRequest, aggregate
    from insyn.analytics.dashboard_summary import main_stages
    from insyn.analytics.scope import Scope
    from insyn.analytics.selectors import programmes_for
    from insyn.analytics.specs import SpecError, analysable, load_spec
    from insyn.followup.models import Programme

    used = set(
        Programme.objects.filter(enrollments__unit__path__startswith=ctx.unit.path).values_list(
            "key", flat=True
        )
    )
    keys = [k for k, _name in programmes_for(ctx.user) if k in used]
    first = dt.date(ctx.year - max(1, years) + 1, 1, 1)
    last = _year_bounds(ctx.year)[1]
    out: dict[str, list[Result]] = defaultdict(list)
    sources = []
    for key in keys:
        try:
            spec = load_spec(key)
        except SpecError:
            continue
        if spec is None:
            continue
        before, after = main_stages(spec)
        if before is None or after is None:
            continue
        for variable in analysable(spec.variables):
            if not (
                variable.is_main_measure
                and variable.is_numeric
                and variable.direction in ("lower", "higher")
                and {before, after} <= set(variable.stages)
            ):
                continue
            request = AnalysisRequest(
                spec.key,
                variable.key,
                compare=(before, after),
                by=("provider",),
                units=(ctx.unit.pk,),
                date_from=first,
                date_to=last,
            )
            try:
                result = aggregate(request, scope=Scope.for_user(ctx.user))
            except AnalysisError as exc:
                logger.info("provider catalogue: %s %s: %s", key, variable.key, exc)
                continue
            source = f"insyn: {spec.name} ({first.year}–{last.year})"
            for row in result.rows:
                code = row.group[0]
                if code is TOTAL or code is None:
                    continue
                if row.values.get("pairs") == 0:
                    continue  # nobody measured both times (a hidden count is None)
                out[str(code)].append(
                    Result(
                        kind="followup",
                        label=f"{variable.label} ({spec.name})",
                        n=row.values.get("pairs"),
                        share=row.values.get("share_improved"),
                        suppressed=row.suppressed,
                        source=source,
                    )
                )
                if source not in sources:
                    sources.append(source)
    return out, sources
