"""The manage area's part of the indicators demo: Växjö's local key figures entered by hand
(staff turnover, sick leave, cost per investigation) for a few years, committee targets on the
catalogue's indicators, and one user-defined comparison group, all through the real services
with the demo's quality lead as the one who entered them. Re-running adds nothing twice.

The figures are invented for the demo (source `manual`, "Manuellt inlagt värde"), never
labelled Kolada."""

from __future__ import annotations

from typing import TextIO

from insyn.accounts.models import User
from insyn.indicators.models import (
    ComparisonGroup,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    KoladaMunicipality,
)
from insyn.indicators.services import groups, manual, targets
from insyn.organisations.models import OrgUnit

MUNICIPALITY = "0780"
LOCAL: list[tuple[str, str, str, str, dict[str, dict[int, float]]]] = [
    # key, title, unit, direction, {unit code: {year: value}}
    (
        "personalomsattning",
        "Personalomsättning bland socialsekreterare, andel (%)",
        "percent",
        "lower",
        {"AOV": {2022: 19.5, 2023: 17.2, 2024: 14.8, 2025: 12.9}},
    ),
    (
        "sjukfranvaro",
        "Sjukfrånvaro, andel av ordinarie arbetstid (%)",
        "percent",
        "lower",
        {"AOV": {2022: 8.4, 2023: 7.9, 2024: 7.1, 2025: 6.6}},
    ),
    (
        "kostnad_per_utredning",
        "Kostnad per avslutad barnavårdsutredning (kr)",
        "kr",
        "none",
        {"BOF": {2023: 46_200, 2024: 48_500, 2025: 49_100}},
    ),
]
TARGETS = [
    # indicator key, unit code, year (None: standing), value, decided by
    ("reaktualisering_unga_13_20", "BOF", None, 80.0, "Socialnämnden 2025-12-10 § 152"),
    ("utredningstid_over_4_man", "BOF", 2026, 15.0, "Socialnämnden 2025-12-10 § 152"),
    ("utredningstid_median", "BOF", 2026, 110.0, "Socialnämnden 2025-12-10 § 152"),
    ("personalomsattning", "AOV", 2026, 12.0, "Arbete och välfärd, verksamhetsplan 2026"),
]
GROUP_TITLE = "Universitetsstäder i södra Sverige"
GROUP_MEMBERS = ("1280", "1281", "0580", "1880", "0380")  # Malmö, Lund, Linköping, Örebro, Uppsala


def _unit(code: str, municipality: OrgUnit) -> OrgUnit | None:
    return OrgUnit.objects.filter(code=code, path__startswith=municipality.path).first()


def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    municipality = OrgUnit.objects.filter(code=MUNICIPALITY, kind=OrgUnit.Kind.MUNICIPALITY).first()
    if municipality is None:
        stdout.write("Manual key figures: no Växjö in the organisation, skipped\n")
        return []
    lead = User.objects.filter(username="kvalitet").first()
    values = made_targets = 0
    for key, title, unit, direction, series in LOCAL:
        found = Indicator.objects.filter(key=key).first()
        indicator = found or manual.manual_indicator_create(
            actor=lead, key=key, title=title, unit=unit, direction=direction, type="structure"
        )
        for code, by_year in series.items():
            org_unit = _unit(code, municipality)
            if org_unit is None:
                continue
            for year, value in by_year.items():
                if IndicatorValue.objects.filter(
                    indicator=indicator, org_unit=org_unit, year=year, source="manual"
                ).exists():
                    continue
                manual.manual_value_create(
                    actor=lead, indicator=indicator, org_unit=org_unit, year=year, value=value
                )
                values += 1
    for key, code, target_year, value, decision in TARGETS:
        catalogued = Indicator.objects.filter(key=key).first()
        org_unit = _unit(code, municipality)
        if catalogued is None or org_unit is None:
            continue
        if IndicatorTarget.objects.filter(
            indicator=catalogued, org_unit=org_unit, year=target_year
        ).exists():
            continue
        targets.target_create(
            actor=lead,
            indicator=catalogued,
            org_unit=org_unit,
            year=target_year,
            value=value,
            decision=decision,
        )
        made_targets += 1
    owner = _unit("AOV", municipality)
    members = list(KoladaMunicipality.objects.filter(pk__in=GROUP_MEMBERS))
    made_group = False
    if (
        owner is not None
        and members
        and not ComparisonGroup.objects.filter(kind="user", title=GROUP_TITLE).exists()
    ):
        groups.group_create(actor=lead, owner=owner, title=GROUP_TITLE, members=members)
        made_group = True
    stdout.write(
        f"Manual key figures: {values} values, {made_targets} committee targets"
        f"{', one own comparison group' if made_group else ''}\n"
    )
    return []
