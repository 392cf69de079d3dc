"""Breakdown dimensions: how a frame column becomes a group, and how a group value is named.

Frames hold ids and codes; names are looked up when a result is shown, so a renamed unit or
catalogue entry needs no rebuild. Org units are coded by their code, below a municipality
qualified by the municipality's code ("0780/VUX-OPV"), since unit codes are unique only
within their parent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MISSING_CODE = "(missing)"
ALL_CODE = "(all)"
MAX_AGE_BINS = 20


class AgeBinError(ValueError):
    pass


@dataclass(frozen=True)
class AgeBin:
    low: int
    high: int | None  # None: and older

    @property
    def label(self) -> str:
        return f"{self.low}-{'' if self.high is None else self.high}"


def parse_age_bins(text: str) -> list[AgeBin]:
    """'0-12,13-17,18-' -> bins; ascending, non-overlapping, whole years."""
    bins: list[AgeBin] = []
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    if not parts:
        raise AgeBinError(gettext("Give at least one age group, e.g. 0-12,13-17,18-"))
    if len(parts) > MAX_AGE_BINS:
        raise AgeBinError(gettext("At most %(n)d age groups.") % {"n": MAX_AGE_BINS})
    for part in parts:
        low_text, sep, high_text = part.partition("-")
        try:
            low = int(low_text)
            high = int(high_text) if high_text.strip() else None
        except ValueError:
            low, high = -1, None
        if not sep or low < 0 or low > 150 or (high is not None and not low <= high <= 150):
            raise AgeBinError(
                gettext("%(part)s is not an age group; write it as 13-17, or 18- for 18 and older.")
                % {"part": part}
            )
        if bins and (bins[-1].high is None or low <= bins[-1].high):
            raise AgeBinError(
                gettext("The age groups must be in ascending order and must not overlap.")
            )
        bins.append(AgeBin(low, high))
    return bins


def age_bins_text(bins: Iterable[AgeBin]) -> str:
    return ",".join(b.label for b in bins)


def age_group_sql(column: str, bins: list[AgeBin]) -> str:
    whens = []
    for b in bins:
        cond = f"{column} >= {int(b.low)}"
        if b.high is not None:
            cond += f" AND {column} <= {int(b.high)}"
        whens.append(f"WHEN {cond} THEN '{b.label}'")
    return f"(CASE {' '.join(whens)} END)"


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str | Promise
    sql: Callable[[list[AgeBin]], str]
    values: str  # how values are named: a lookup kind in `Labeller`


def _col(name: str) -> Callable[[list[AgeBin]], str]:
    return lambda _bins: f'"{name}"'


DIMENSIONS: dict[str, Dimension] = {
    d.key: d
    for d in [
        Dimension("municipality", _("Municipality"), _col("municipality_id"), "org"),
        Dimension("region", _("Region"), _col("region_id"), "org"),
        Dimension("department", _("Department"), _col("department_id"), "org"),
        Dimension("unit", _("Unit"), _col("unit_id"), "org"),
        Dimension("programme_version", _("Programme version"), _col("programme_version"), "ver"),
        Dimension("sex", _("Sex"), _col("sex"), "sex"),
        Dimension("age_group", _("Age group"), lambda b: age_group_sql('"age"', b), "plain"),
        Dimension("intervention_type", _("Intervention type"), _col("intervention_type"), "itype"),
        Dimension(
            "intervention_group", _("Intervention group"), _col("intervention_group"), "igroup"
        ),
        Dimension("provider", _("Provider"), _col("provider"), "provider"),
        Dimension("provider_kind", _("Provider kind"), _col("provider_kind"), "provider_kind"),
        Dimension("legal_basis", _("Legal basis"), _col("legal_basis"), "legal_basis"),
        Dimension("law", _("Law"), _col("law"), "law"),
        Dimension("start_year", _("Start year"), lambda _b: 'year("start_date")', "plain"),
        Dimension(
            "start_quarter",
            _("Start quarter"),
            lambda _b: """(strftime("start_date", '%Y') || '-Q' || quarter("start_date"))""",
            "plain",
        ),
        Dimension("end_reason", _("End reason"), _col("end_reason"), "end_reason"),
        Dimension(
            "outcome",
            _("Completed or interrupted"),
            lambda _b: (
                """(CASE WHEN "end_outcome" IS NOT NULL THEN "end_outcome" """
                """WHEN "ended_on" IS NULL THEN 'ongoing' END)"""
            ),
            "outcome",
        ),
        Dimension(
            "enrollment_status", _("Enrolment status"), _col("enrollment_status"), "enr_status"
        ),
    ]
}


class Labeller:
    """Codes and names for group values, looked up in bulk once per result."""

    def __init__(self) -> None:
        self._cache: dict[str, dict[Any, tuple[str, str]]] = {}

    def _load(self, kind: str) -> dict[Any, tuple[str, str]]:
        if kind in self._cache:
            return self._cache[kind]
        table: dict[Any, tuple[str, str]] = {}
        if kind == "org":
            from insyn.organisations.models import OrgUnit

            units = {u.pk: u for u in OrgUnit.objects.only("code", "name", "kind", "path")}
            for pk, unit in units.items():
                code = unit.code
                if unit.kind not in OrgUnit.REFERENCE_KINDS:
                    muni = next(
                        (
                            units[i]
                            for i in unit.ancestor_ids()
                            if i in units and units[i].kind == OrgUnit.Kind.MUNICIPALITY
                        ),
                        None,
                    )
                    code = f"{muni.code}/{unit.code}" if muni else unit.code
                table[pk] = (code, unit.name)
        elif kind in {"itype", "igroup", "legal_basis", "end_reason", "provider"}:
            from insyn.clients import models as cm

            model = {
                "itype": cm.InterventionType,
                "igroup": cm.InterventionGroup,
                "legal_basis": cm.LegalBasis,
                "end_reason": cm.EndReason,
                "provider": cm.Provider,
            }[kind]
            for obj in model.objects.all():  # type: ignore[attr-defined]
                name = getattr(obj, "label", None) or obj.name
                table[obj.code] = (obj.code, str(name))
        else:
            table = {k: (str(k), str(v)) for k, v in _choices(kind).items()}
        self._cache[kind] = table
        return table

    def code(self, dim: Dimension, value: Any) -> str:
        if value is None:
            return MISSING_CODE
        if dim.values in {"plain", "ver"}:
            return str(value)
        return self._load(dim.values).get(value, (str(value), str(value)))[0]

    def name(self, dim: Dimension, value: Any) -> str:
        if value is None:
            return gettext("Not stated")
        if dim.values == "plain":
            return str(value)
        if dim.values == "ver":
            return gettext("version %(v)s") % {"v": value}
        return self._load(dim.values).get(value, (str(value), str(value)))[1]


def _choices(kind: str) -> dict[Any, Any]:
    from insyn.clients.models import EndReason, LegalBasis, Provider, Sex
    from insyn.followup.models import Enrollment

    if kind == "sex":
        return dict(Sex.choices)
    if kind == "provider_kind":
        return dict(Provider.Kind.choices)
    if kind == "law":
        return dict(LegalBasis.Law.choices)
    if kind == "outcome":
        return {**dict(EndReason.Outcome.choices), "ongoing": gettext("Ongoing")}
    if kind == "enr_status":
        return dict(Enrollment.Status.choices)
    return {}
