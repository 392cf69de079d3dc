"""A comparison as plain data (JSON for the API and the CLI) and as CSV for Swedish Excel
(insyn.core.exports.swedish_csv: semicolon-separated, decimal comma, only text formula-escaped).
Every row
carries the period and its source line; the reference value and Riket are rows of their own
with their own source line."""

from __future__ import annotations

from typing import Any

from insyn.core import exports as files
from insyn.indicators.selectors.comparison_types import Comparison, Member

COLOUR_SV = {
    "green": "grön",
    "yellow": "gul",
    "red": "röd",
    "grey": "grå (värde saknas)",
    "none": "ingen färg",
}
FUNNEL_SV = {
    "above_998": "över 99,8 %-gränsen",
    "above_95": "över 95 %-gränsen",
    "within": "inom gränserna",
    "below_95": "under 95 %-gränsen",
    "below_998": "under 99,8 %-gränsen",
    "none": "",
}


def _sv(value: float | None) -> float | None:
    """One decimal, as the page shows it; insyn.core.exports writes it with a decimal comma
    ("80", "75,8") and never escapes it, negative or not."""
    return None if value is None else round(float(value), 1)


def member_dict(m: Member) -> dict[str, Any]:
    return {
        "area": m.area,
        "name": m.name,
        "value": m.value,
        "numerator": m.numerator,
        "denominator": m.denominator,
        "rank": m.rank,
        "quartile_colour": m.colour,
        "funnel_position": m.funnel_position,
        "funnel_colour": m.funnel_colour,
        "source": m.source,
        "provenance": m.provenance,
        "preliminary": m.preliminary,
        "suppressed": m.suppressed,
        "is_subject": m.is_subject,
    }


def as_dict(c: Comparison) -> dict[str, Any]:
    """Everything a page, the API or the CLI prints about one comparison."""
    ind = c.indicator
    return {
        "indicator": {
            "key": ind.key,
            "title": ind.title,
            "unit": ind.unit,
            "direction": ind.direction,
            "source": ind.source,
            "kolada_kpi": ind.kolada_kpi,
        },
        "municipality": {"id": c.municipality, "name": c.municipality_name},
        "period": c.period_label,
        "year": c.year,
        "sex": c.sex,
        "against": c.against,
        "group": {"key": c.group_key, "title": c.group_title, "year": c.group_year},
        "subject": member_dict(c.subject),
        "members": [member_dict(m) for m in c.members],
        "reference": {
            "value": c.reference,
            "label": c.reference_label,
            "provenance": c.reference_provenance,
        },
        "riket": {"value": c.riket, "provenance": c.riket_provenance},
        "funnel": None
        if c.funnel is None
        else {
            "p0": c.funnel.p0,
            "method": "normal approximation to the binomial, 95 % and 99.8 %",
            "points": [m.area for m in c.funnel.points],
            "limits": [
                {
                    "n": line.n,
                    "lower95": line.lower95,
                    "upper95": line.upper95,
                    "lower998": line.lower998,
                    "upper998": line.upper998,
                }
                for line in c.funnel.lines
            ],
        },
        "funnel_note": c.funnel_note,
        "target": None
        if c.target is None
        else {
            "value": c.target.value,
            "comparison": c.target.comparison,
            "met": c.target.met,
            "decision": c.target.decision,
            "year": c.target.year,
        },
        "provenance": c.provenance,
    }


CSV_HEADER = [
    "Indikator",
    "Titel",
    "Period",
    "Kön",
    "Jämförelse",
    "Område",
    "Namn",
    "Värde",
    "Täljare",
    "Nämnare",
    "Rang",
    "Kvartilfärg",
    "Tratt",
    "Preliminärt",
    "Egen kommun",
    "Källa",
]


def csv_records(c: Comparison) -> list[list[Any]]:
    head = [c.indicator.key, c.indicator.title, c.period_label, c.sex, c.group_title]
    rows: list[list[Any]] = []
    for m in c.members:
        rows.append(
            [
                *head,
                m.area,
                m.name,
                _sv(m.value),
                _sv(m.numerator),
                _sv(m.denominator),
                m.rank,
                COLOUR_SV.get(m.colour, m.colour),
                FUNNEL_SV.get(m.funnel_position, m.funnel_position),
                "ja" if m.preliminary else "nej",
                "ja" if m.is_subject else "nej",
                m.provenance or "värde saknas",
            ]
        )
    if c.reference is not None:
        rows.append(
            [*head, c.group_key, c.reference_label, _sv(c.reference)]
            + [None] * 7
            + [c.reference_provenance]
        )
    if c.riket is not None:
        rows.append([*head, "0000", "Riket", _sv(c.riket)] + [None] * 7 + [c.riket_provenance])
    return rows


def csv_text(c: Comparison) -> str:
    columns = [files.Column(h, h) for h in CSV_HEADER]
    return "".join(files.swedish_csv(columns, csv_records(c)))
