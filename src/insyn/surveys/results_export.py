"""Survey results as files (machine CSV, Swedish CSV, XLSX through insyn.core.exports): one row
per question and group, already suppressed by `results`. The machine CSV keeps the documented
columns of `insyn survey results` (question key, group codes, n, mean, share_positive, ci_low,
ci_high, suppressed); people's files show the question text, respondent names, the mean with two
decimals and shares in per cent, as the results page does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from insyn.core import exports as files
from insyn.surveys import results as res
from insyn.surveys.models import RespondentRole

DIM_LABELS = {
    "role": _("Respondent"),
    "unit": _("Unit"),
    "provider": _("Provider"),
    "period": _("Year"),
}


def columns(by: list[str]) -> list[files.Column]:
    return [
        files.Column("question", _("Question")),
        *(files.Column(d, DIM_LABELS[d]) for d in by),
        files.Column("n", pgettext_lazy("survey export", "Answers"), "count"),
        files.Column("mean", _("Mean"), "number", decimals=2),
        files.Column("share_positive", _("Share positive"), "share"),
        files.Column(
            "ci_low", pgettext_lazy("survey export", "Share positive, 95% CI low"), "share"
        ),
        files.Column(
            "ci_high", pgettext_lazy("survey export", "Share positive, 95% CI high"), "share"
        ),
        files.Column("suppressed", pgettext_lazy("survey export", "Hidden (few answers)")),
    ]


def records(result: res.Results) -> Iterator[list[Any]]:
    """Rows for the files: group values as codes for programs and names for people ("All" for
    the total over a breakdown)."""
    roles = dict(RespondentRole.choices)
    for row in result.rows():
        groups = []
        for dim in result.by:
            value = row[dim]
            if value == "":
                groups.append(files.Labelled("", pgettext_lazy("survey export", "All")))
            elif dim == "role":
                groups.append(files.Labelled(value, str(roles.get(value, value))))
            else:
                groups.append(value)
        yield [
            files.Labelled(row["question"], row["text"]),
            *groups,
            row["n"],
            row["mean"],
            row["share_positive"],
            row["ci_low"],
            row["ci_high"],
            row["suppressed"],
        ]


def sheet(result: res.Results) -> files.Sheet:
    q = result.questionnaire
    about = [
        (str(_("Questionnaire")), f"{q.label} ({q.key}, version {q.version})"),
        (
            str(pgettext_lazy("survey export", "Smallest group shown")),
            str(res.min_cell()),
        ),
    ]
    return files.Sheet(str(_("Survey results")), columns(result.by), records(result), about)
