"""A result as tables for people: names instead of codes, Swedish number formats, the columns
that matter for the question asked (files carry every column)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext

from insyn.analytics.aggregate import AnalysisResult, Row
from insyn.analytics.dimensions import Labeller
from insyn.core.suppression import TOTAL

EMPTY = "–"


def fmt_number(value: Any, decimals: int = 1) -> str:
    if value is None:
        return EMPTY
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def fmt_count(value: Any) -> str:
    if value is None:
        return EMPTY
    return number_format(int(value), use_l10n=True, force_grouping=True)


def fmt_share(value: Any, low: Any = None, high: Any = None) -> str:
    if value is None:
        return EMPTY
    text = f"{number_format(value * 100, decimal_pos=0, use_l10n=True)} %"
    if low is not None and high is not None:
        text += (
            f" ({number_format(low * 100, decimal_pos=0, use_l10n=True)}–"
            f"{number_format(high * 100, decimal_pos=0, use_l10n=True)})"
        )
    return text


def fmt_p(value: Any) -> str:
    if value is None:
        return EMPTY
    if value < 0.001:
        return "< " + number_format(0.001, decimal_pos=3, use_l10n=True)
    return number_format(value, decimal_pos=3, use_l10n=True)


@dataclass
class TableRow:
    groups: list[str]
    cells: list[str]
    suppressed: bool
    total: bool


@dataclass
class Table:
    caption: str
    group_headers: list[str]
    headers: list[str]
    rows: list[TableRow] = field(default_factory=list)


def _groups(result: AnalysisResult, row: Row, labeller: Labeller) -> list[str]:
    return [
        gettext("All") if v is TOTAL else labeller.name(d, v)
        for d, v in zip(result.dimensions, row.group, strict=True)
    ]


def _table(
    result: AnalysisResult,
    caption: str,
    columns: list[tuple[str, Any]],
    labeller: Labeller,
) -> Table:
    table = Table(
        caption=caption,
        group_headers=[str(d.label) for d in result.dimensions],
        headers=[str(h) for h, _f in columns],
    )
    for row in result.rows:
        cells = [] if row.suppressed else [f(row.values) for _h, f in columns]
        table.rows.append(
            TableRow(
                groups=_groups(result, row, labeller),
                cells=cells,
                suppressed=row.suppressed,
                total=any(v is TOTAL for v in row.group) or not row.group,
            )
        )
    return table


def main_table(result: AnalysisResult, labeller: Labeller | None = None) -> Table:
    labeller = labeller or Labeller()
    v = result.variable
    cols: list[tuple[str, Any]] = [(gettext("n"), lambda r: fmt_count(r["n"]))]
    if result.mode == "compare":
        before, after = result.request.compare or ("", "")
        caption = gettext("%(v)s: %(a)s compared with %(b)s") % {
            "v": v.label,
            "a": _stage_name(result, after),
            "b": _stage_name(result, before),
        }
        cols += [
            (gettext("Pairs"), lambda r: fmt_count(r["pairs"])),
            (gettext("Mean before"), lambda r: fmt_number(r["mean_before"])),
            (gettext("Mean after"), lambda r: fmt_number(r["mean_after"])),
            (
                gettext("Change (95% CI)"),
                lambda r: (
                    fmt_number(r["mean_change"])
                    + (
                        f" ({fmt_number(r['change_ci_low'])} – {fmt_number(r['change_ci_high'])})"
                        if r["change_ci_low"] is not None
                        else ""
                    )
                ),
            ),
            (gettext("Wilcoxon p"), lambda r: fmt_p(r["wilcoxon_p"])),
        ]
        if v.direction in ("lower", "higher"):
            cols += [
                (gettext("Improved"), lambda r: fmt_share(r["share_improved"])),
                (gettext("Unchanged"), lambda r: fmt_share(r["share_unchanged"])),
                (gettext("Worsened"), lambda r: fmt_share(r["share_worsened"])),
            ]
    else:
        stage = result.request.stage or v.stages[0]
        caption = gettext("%(v)s at %(s)s") % {"v": v.label, "s": _stage_name(result, stage)}
        cols.append((gettext("With a value"), lambda r: fmt_count(r["n_value"])))
        if v.is_numeric:
            cols += [
                (gettext("Mean"), lambda r: fmt_number(r["mean"])),
                (gettext("Median"), lambda r: fmt_number(r["median"])),
                (gettext("Standard deviation"), lambda r: fmt_number(r["sd"])),
            ]
            for code in v.band_codes():
                cols.append((v.band_label(code), lambda r, c=code: fmt_share(r[f"share_band_{c}"])))
        else:
            for option in v.options:
                if option.is_missing:
                    cols.append((option.label, lambda r, c=option.code: fmt_count(r[f"count_{c}"])))
                else:
                    cols.append(
                        (
                            option.label,
                            lambda r, c=option.code: fmt_share(
                                r[f"share_{c}"], r[f"share_{c}_low"], r[f"share_{c}_high"]
                            ),
                        )
                    )
    return _table(result, caption, cols, labeller)


def followup_table(result: AnalysisResult, labeller: Labeller | None = None) -> Table:
    labeller = labeller or Labeller()
    stage = (
        result.request.compare[1]
        if result.request.compare
        else (result.request.stage or result.variable.stages[0])
    )
    cols: list[tuple[str, Any]] = [
        (gettext("n"), lambda r: fmt_count(r["n"])),
        (gettext("Follow-ups due"), lambda r: fmt_count(r["due"])),
        (gettext("Done"), lambda r: fmt_share(r["completion_rate"])),
        (gettext("Not done"), lambda r: fmt_count(r["missed"])),
        (gettext("Goals assessed"), lambda r: fmt_count(r["goals_assessed"])),
        (
            gettext("Goals achieved (95% CI)"),
            lambda r: fmt_share(
                r["share_achieved"], r["share_achieved_low"], r["share_achieved_high"]
            ),
        ),
        (gettext("Interventions ended"), lambda r: fmt_count(r["ended"])),
        (gettext("Completed"), lambda r: fmt_share(r["share_completed"])),
        (gettext("Interrupted"), lambda r: fmt_share(r["share_interrupted"])),
    ]
    caption = gettext("Follow-up at %(s)s, goals and interventions") % {
        "s": _stage_name(result, stage)
    }
    return _table(result, caption, cols, labeller)


def _stage_name(result: AnalysisResult, key: str) -> str:
    stage = result.programme.stage(key)
    return stage.name if stage else key
