"""`compare`, `series` and `tile` on hand-built Kolada worlds: the reference value, ranks,
colours and funnel positions checked against independent computations (SciPy, numpy), the
right year's group (another year's refused), provenance (synthetic never "Källa: Kolada"),
own figures through the restricted path, user-defined groups by scope, targets and sex."""

from __future__ import annotations

import math
from typing import Any

import pytest
from scipy import stats

from insyn.indicators.models import (
    PROVENANCE_KOLADA,
    PROVENANCE_KOLADA_DERIVED,
    PROVENANCE_SYNTHETIC,
    ComparisonGroup,
    IndicatorTarget,
    IndicatorValue,
    KoladaMunicipality,
)
from insyn.indicators.selectors import comparison as c
from tests.indicators import compare_factories as f
from tests.indicators.test_compare_colours import numpy_colours

pytestmark = pytest.mark.django_db

# (numerator, denominator) per area, 2024
SHARES = {
    "0780": (160, 200),
    "0123": (300, 320),  # 93.8 % over 320: far above
    "0126": (250, 330),
    "0184": (150, 200),
    "1281": (330, 420),
    "1380": (200, 260),
    "1780": (180, 260),  # 69.2 %: below
    "2281": (20, 25),
}


def build_shares(year: int = 2024) -> None:
    f.world()
    ind = f.indicator()
    for code, (num, den) in SHARES.items():
        f.share(ind, code, year, num, den)


def test_reference_is_the_pooled_share_of_the_members_and_the_funnel_matches_scipy() -> None:
    build_shares()
    result = c.compare(None, f.indicator(), "0780", year=2024)
    members = {code: nd for code, nd in SHARES.items() if code != "0780"}
    p0 = sum(n for n, _ in members.values()) / sum(d for _, d in members.values())
    assert result.reference == pytest.approx(100 * p0)
    assert result.reference_label == "Sammanvägd andel för gruppen"
    assert result.group_year == 2024 and result.group_title.endswith("Växjö, 2024")
    assert result.subject.area == "0780" and result.subject.is_subject
    assert len(result.members) == 8
    z95, z998 = stats.norm.ppf(0.975), stats.norm.ppf(0.999)
    for m in result.members:
        num, den = SHARES[m.area]
        p = round(100 * num / den, 1) / 100
        sd = math.sqrt(p0 * (1 - p0) / den)
        if p > p0 + z998 * sd:
            expected = "above_998"
        elif p > p0 + z95 * sd:
            expected = "above_95"
        elif p < p0 - z998 * sd:
            expected = "below_998"
        elif p < p0 - z95 * sd:
            expected = "below_95"
        else:
            expected = "within"
        assert m.funnel_position == expected, m.area
        expected_colour = {"above": "green", "below": "red"}.get(expected[:5], "within")
        assert m.funnel_colour == expected_colour
    assert result.funnel is not None and len(result.funnel.points) == 8
    assert {m.area for m in result.members if m.funnel_position != "within"} >= {"0123", "1780"}
    # limit curves at 95 % and 99.8 % around p0
    line = result.funnel.lines[-1]
    assert line.upper95 == pytest.approx(100 * (p0 + z95 * math.sqrt(p0 * (1 - p0) / line.n)))
    assert line.lower998 == pytest.approx(100 * (p0 - z998 * math.sqrt(p0 * (1 - p0) / line.n)))


def test_ranks_and_quartile_colours_match_numpy() -> None:
    build_shares()
    result = c.compare(None, f.indicator(), "0780", year=2024)
    values = {m.area: m.value for m in result.members}
    assert {m.area: m.colour for m in result.members} == numpy_colours(values, "higher")
    present = [v for v in values.values() if v is not None]
    for m in result.members:  # competition rank: 1 + the number of better values
        assert m.rank == 1 + sum(1 for v in present if v > (m.value or 0))
    assert [m.rank for m in result.members] == sorted(m.rank or 0 for m in result.members)
    assert [m.rank for m in result.members][:4] == [1, 2, 2, 4]  # 80.0 twice (0780, 2281)


def test_a_group_of_another_year_is_refused_naming_the_years() -> None:
    build_shares()
    with pytest.raises(c.GroupYearError, match=r"2023.*2024"):
        c.compare(None, f.indicator(), "0780", year=2023)
    key = ComparisonGroup.objects.get(kind="similar").key
    with pytest.raises(c.GroupYearError, match="gäller år 2024"):
        c.compare(None, f.indicator(), "0780", year=2023, against=f"group:{key}")
    # a comparison error is a LookupError, as the groups selector's NoGroupForYear
    assert issubclass(c.GroupYearError, LookupError)


def test_unknown_municipality_and_against() -> None:
    build_shares()
    with pytest.raises(c.UnknownMunicipality, match="9999"):
        c.compare(None, f.indicator(), "9999", year=2024)
    with pytest.raises(c.UnknownGroup, match="nonsense"):
        c.compare(None, f.indicator(), "0780", year=2024, against="nonsense")
    with pytest.raises(c.UnknownGroup, match="G-none"):
        c.compare(None, f.indicator(), "0780", year=2024, against="group:G-none")


def test_synthetic_values_are_never_labelled_kolada() -> None:
    build_shares()
    result = c.compare(None, f.indicator(), "0780", year=2024)
    assert all(m.provenance == PROVENANCE_SYNTHETIC for m in result.members)
    assert PROVENANCE_KOLADA not in result.provenance
    assert PROVENANCE_KOLADA_DERIVED not in result.provenance
    assert all("Kolada" not in line or "inte från Kolada" in line for line in result.provenance)
    assert result.reference_provenance == c.PROVENANCE_SYNTHETIC_DERIVED


def test_kolada_values_win_over_synthetic_and_mixed_derivations_say_so() -> None:
    build_shares()
    ind = f.indicator()
    f.value(ind, "0123", 2024, 50.0, source=IndicatorValue.Source.KOLADA)
    result = c.compare(None, ind, "0780", year=2024)
    jarfalla = next(m for m in result.members if m.area == "0123")
    assert jarfalla.value == 50.0 and jarfalla.provenance == PROVENANCE_KOLADA
    assert jarfalla.denominator is None and jarfalla.funnel_position == "none"
    # a member without a denominator: the reference is the plain mean, its line says mixed
    assert result.reference_label == "Medelvärde för gruppen"
    assert result.reference_provenance == c.PROVENANCE_MIXED_DERIVED
    assert PROVENANCE_KOLADA in result.provenance


def test_riket_reference_is_riket_s_published_value() -> None:
    build_shares()
    ind = f.indicator()
    f.value(ind, "0000", 2024, 77.7, source=IndicatorValue.Source.KOLADA)
    result = c.compare(None, ind, "0780", year=2024, against="riket")
    assert result.reference == 77.7 and result.reference_label == "Riket"
    assert result.reference_provenance == PROVENANCE_KOLADA
    assert result.riket == 77.7
    similar = c.compare(None, ind, "0780", year=2024)
    assert similar.riket == 77.7 and similar.riket_provenance == PROVENANCE_KOLADA


def test_days_have_a_mean_and_no_funnel() -> None:
    f.world()
    ind = f.indicator("U31402", unit="days", direction="lower")
    for i, code in enumerate(["0780", *f.MEMBERS]):
        f.value(ind, code, 2024, 10.0 + i)
    result = c.compare(None, ind, "0780", year=2024)
    assert result.reference == pytest.approx(sum(11.0 + i for i in range(7)) / 7)
    assert result.funnel is None and "andel" in result.funnel_note
    assert result.members[0].area == "0780" and result.subject.colour == "green"


def test_sex_selects_its_own_values() -> None:
    build_shares()
    ind = f.indicator()
    f.value(ind, "0780", 2024, 12.5, sex="K")
    result = c.compare(None, ind, "0780", year=2024, sex="K")
    assert result.subject.value == 12.5
    assert all(m.value is None for m in result.members if not m.is_subject)
    assert result.reference is None


def test_own_computed_figure_for_a_user_in_scope(tree: Any, staff: Any) -> None:
    f.world(vaxjo_unit=tree.vaxjo)
    ind = f.indicator("reaktualisering_unga_13_20", source="computed")
    for code, (num, den) in SHARES.items():
        f.share(ind, code, 2024, num, den)
    IndicatorValue.objects.create(
        indicator=ind,
        org_unit=tree.vaxjo,
        year=2024,
        period_end="2024-12-31",
        value=91.0,
        numerator=182,
        denominator=200,
        source=IndicatorValue.Source.COMPUTED,
    )
    mine = c.compare(staff.analyst, ind, "0780", year=2024)
    assert mine.subject.value == 91.0 and mine.subject.source == "computed"
    assert mine.provenance[0].startswith("Beräknat av insyn")
    theirs = c.compare(staff.kalmar_case_worker, ind, "0780", year=2024)
    assert theirs.subject.value == 80.0 and theirs.subject.source == "synthetic"


def test_user_defined_groups_are_seen_within_the_owner_s_organisation(
    tree: Any, staff: Any
) -> None:
    build_shares()
    group = ComparisonGroup.objects.create(
        key="user-1", title="Våra grannar", kind="user", owner=tree.vaxjo
    )
    group.members.set(KoladaMunicipality.objects.filter(pk__in=["0123", "0126", "0184", "1281"]))
    for user in (staff.analyst, staff.case_worker):
        result = c.compare(user, f.indicator(), "0780", year=2024, against="group:user-1")
        assert result.group_title == "Våra grannar" and len(result.members) == 5
    with pytest.raises(c.UnknownGroup):
        c.compare(
            staff.kalmar_case_worker, f.indicator(), "0780", year=2024, against="group:user-1"
        )
    with pytest.raises(c.UnknownGroup):
        c.compare(None, f.indicator(), "0780", year=2024, against="group:user-1")


def test_target_met_or_not(tree: Any) -> None:
    build_shares()
    f.area("0780", "Växjö", tree.vaxjo)
    ind = f.indicator()
    IndicatorTarget.objects.create(
        indicator=ind, org_unit=tree.vaxjo, year=None, value=85, comparison="at_least"
    )
    result = c.compare(None, ind, "0780", year=2024)
    assert result.target is not None and result.target.met is False  # 80 < 85
    IndicatorTarget.objects.create(
        indicator=ind, org_unit=tree.vaxjo, year=2024, value=75, comparison="at_least"
    )
    result = c.compare(None, ind, "0780", year=2024)
    assert result.target is not None and result.target.met is True and result.target.year == 2024


def test_series_uses_each_year_s_group_and_notes_a_missing_one() -> None:
    build_shares(2024)
    ind = f.indicator()
    f.share(ind, "0780", 2023, 150, 200)
    f.value(ind, "0000", 2023, 70.0)
    points = c.series(None, ind, "0780", years=[2024, 2023], against="similar")
    assert [p.year for p in points] == [2023, 2024]
    old, new = points
    assert old.value == 75.0 and old.reference is None and old.riket == 70.0
    assert "2023" in old.note and "2024" in old.note
    assert new.value == 80.0 and new.reference is not None and new.note == ""


def test_tile_change_colour_and_sparkline() -> None:
    build_shares(2024)
    ind = f.indicator()
    f.share(ind, "0780", 2023, 150, 200)
    f.share(ind, "0780", 2021, 140, 200)
    t = c.tile(None, ind, "0780", year=2024)
    assert t.value == 80.0 and t.previous == 75.0 and t.change == pytest.approx(5.0)
    assert t.sparkline == [(2021, 70.0), (2023, 75.0), (2024, 80.0)]
    assert t.colour in {"green", "yellow", "red"}
    assert PROVENANCE_SYNTHETIC in t.provenance


def test_a_user_granted_below_the_municipality_compares_the_unit_s_own_figure(
    tree: Any, staff: Any
) -> None:
    """The quality lead of the social services administration (granted at AOV, not Växjö)
    sees AOV's computed figure, named with the unit, not the synthetic area value."""
    f.world(vaxjo_unit=tree.vaxjo)
    ind = f.indicator("reaktualisering_unga_13_20", source="computed")
    for code, (num, den) in SHARES.items():
        f.share(ind, code, 2024, num, den)
    for unit, (num, den) in ((tree.vaxjo, (182, 200)), (tree.aov, (150, 160))):
        IndicatorValue.objects.create(
            indicator=ind,
            org_unit=unit,
            year=2024,
            period_end="2024-12-31",
            value=100 * num / den,
            numerator=num,
            denominator=den,
            source=IndicatorValue.Source.COMPUTED,
        )
    result = c.compare(staff.quality_lead, ind, "0780", year=2024)
    assert result.subject.value == 100 * 150 / 160
    assert result.subject.source == "computed"
    assert tree.aov.name in result.subject.name
