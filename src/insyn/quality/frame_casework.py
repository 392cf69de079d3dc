"""Casework as analysis-frame variables (the analytics app's `FrameSource` protocol), so a
programme's results can be broken down or compared by what happened before the intervention:

- `days_to_execution`: days from the intervention's decision to its execution (waiting time);
- `investigation_days`: handling days of the case's latest investigation completed on or
  before the intervention started (or the latest completed, if the start is not recorded);
- `investigation_over_four_months`: that investigation lasted more than four calendar months
  (the four-month rule, `insyn.clients.four_months`);
- `decision_appealed`: the intervention's decision was appealed (yes/no).

Background facts of the enrolment: they sit at the programme's first stage, like the other
background variables. Quality is above analytics in the house's layering, so it registers
the source from its `ready()`; clients (below analytics) cannot.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa
from django.db.models import Count, Max, Sum
from django.utils.translation import gettext_lazy as _

from insyn.clients.four_months import handling_days, is_over_four_months
from insyn.clients.models import Appeal, Decision, Investigation
from insyn.followup.models import Enrollment

VALUES_SCHEMA = pa.schema(
    [
        ("enrollment_id", pa.int64()),
        ("variable", pa.string()),
        ("stage", pa.string()),
        ("number", pa.float64()),
        ("option", pa.string()),
    ]
)


class CaseworkFacts:
    key = "casework"

    def variables(self, spec: Any) -> list[Any]:
        from insyn.analytics.specs import VariableSpec

        if not spec.stages:
            return []
        stage = (spec.stages[0].key,)
        common: dict[str, Any] = {"stages": stage, "source": self.key}
        return [
            VariableSpec(
                key="days_to_execution",
                label=str(_("Days from decision to execution")),
                type="integer",
                unit=str(_("days")),
                direction="lower",
                help_text=str(_("Waiting time: the decision's date to its execution date.")),
                **common,
            ),
            VariableSpec(
                key="investigation_days",
                label=str(_("Investigation handling days")),
                type="integer",
                unit=str(_("days")),
                direction="lower",
                help_text=str(
                    _("The case's latest investigation completed before the intervention began.")
                ),
                **common,
            ),
            VariableSpec(
                key="investigation_over_four_months",
                label=str(_("Investigation over four months")),
                type="boolean",
                **common,
            ),
            VariableSpec(
                key="decision_appealed",
                label=str(_("Decision appealed")),
                type="boolean",
                **common,
            ),
        ]

    def _enrollments(self, spec: Any, municipality_ids: Sequence[int] | None) -> Any:
        rows = Enrollment.objects.filter(programme_id__in=spec.programme_ids)
        if municipality_ids is not None:
            rows = rows.filter(unit__municipality_id__in=list(municipality_ids))
        return rows

    def values(self, spec: Any, municipality_ids: Sequence[int] | None) -> pa.Table:
        rows: dict[str, list[Any]] = {name: [] for name in VALUES_SCHEMA.names}
        if not spec.stages:
            return pa.table(rows, schema=VALUES_SCHEMA)
        stage = spec.stages[0].key

        def add(enrollment: int, variable: str, number: float) -> None:
            for name, value in zip(
                VALUES_SCHEMA.names, (enrollment, variable, stage, number, None), strict=True
            ):
                rows[name].append(value)

        enrolments = list(
            self._enrollments(spec, municipality_ids).values_list(
                "id",
                "intervention__case_id",
                "intervention__started_on",
                "intervention__decision_id",
                "intervention__decision__decided_on",
                "intervention__decision__executed_on",
            )
        )
        # Subqueries, not id lists: a large municipality has hundreds of thousands of ids.
        chosen = self._enrollments(spec, municipality_ids)
        case_ids = chosen.values("intervention__case_id")
        decision_ids = chosen.filter(intervention__decision__isnull=False).values(
            "intervention__decision_id"
        )
        completed: dict[int, list[tuple[Any, Any]]] = {}
        for case_id, started, done in (
            Investigation.objects.filter(case_id__in=case_ids, completed_on__isnull=False)
            .order_by("completed_on", "id")
            .values_list("case_id", "started_on", "completed_on")
            .iterator(chunk_size=5000)
        ):
            completed.setdefault(case_id, []).append((started, done))
        appealed = set(
            Appeal.objects.filter(decision_id__in=decision_ids).values_list(
                "decision_id", flat=True
            )
        )
        for pk, case_id, began, decision_id, decided, executed in enrolments:
            if decided and executed:
                add(pk, "days_to_execution", float((executed - decided).days))
            before = [inv for inv in completed.get(case_id, []) if began is None or inv[1] <= began]
            if before:
                started, done = before[-1]
                add(pk, "investigation_days", float(handling_days(started, done) or 0))
                add(pk, "investigation_over_four_months", float(is_over_four_months(started, done)))
            if decision_id:
                add(pk, "decision_appealed", 1.0 if decision_id in appealed else 0.0)
        return pa.table(rows, schema=VALUES_SCHEMA)

    def fingerprint(self, spec: Any, municipality_ids: Sequence[int] | None) -> dict[int, str]:
        """Decisions, investigations and appeals are versioned: count, newest id and the sum
        of versions per municipality change with every write."""
        out: dict[int, list[str]] = {}
        sources = (
            ("d", Decision.objects.all(), "case__municipality_id"),
            ("i", Investigation.objects.all(), "case__municipality_id"),
            ("a", Appeal.objects.all(), "decision__case__municipality_id"),
        )
        for tag, rows, municipality in sources:
            if municipality_ids is not None:
                rows = rows.filter(**{f"{municipality}__in": list(municipality_ids)})
            for row in rows.values(municipality).annotate(
                n=Count("id"), last=Max("id"), v=Sum("version")
            ):
                out.setdefault(int(row[municipality] or 0), []).append(
                    f"{tag}{row['n']}:{row['last']}:{row['v']}"
                )
        return {m: "/".join(parts) for m, parts in out.items()}


def register() -> None:
    from insyn.analytics.frames import register_frame_source

    register_frame_source(CaseworkFacts())
