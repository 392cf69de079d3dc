"""The one path to own figures: suppression (primary, across sex, across units; checked with
linear algebra that no hidden figure can be recovered), manual values shown as entered,
restriction (another municipality's user gets not-found), and the API over it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from insyn.accounts.models import User
from insyn.core.roles import Role
from insyn.core.suppression import Relation
from insyn.core.suppression_check import derivable
from insyn.indicators.models import Indicator, IndicatorValue
from insyn.indicators.selectors.figures import Figure, own_figures, unit_figures
from insyn.organisations.models import OrgUnit
from insyn.organisations.services import membership_grant
from tests.indicators import compute_factories as f

pytestmark = pytest.mark.usefixtures("catalogues")

KEY = "reaktualisering_barn_0_12"


@pytest.fixture(autouse=True)
def _threshold(settings: Any) -> None:
    settings.INSYN_MIN_CELL = 5


@pytest.fixture
def lead(tree: Any) -> User:
    user = User.objects.create_user(username="lead_vaxjo", organisation=tree.vaxjo)
    membership_grant(actor=None, user=user, org_unit=tree.vaxjo, role=Role.QUALITY_LEAD)
    return user


@pytest.fixture
def indicator(db: None) -> Indicator:
    return Indicator.objects.get(key=KEY)


def by_sex(figures: list[Figure]) -> dict[str, Figure]:
    return {fig.sex: fig for fig in figures}


def test_population_under_the_threshold_is_hidden(
    tree: Any, staff: Any, lead: User, indicator: Indicator
) -> None:
    for sex, n in (("T", 4), ("K", 2), ("M", 2)):
        f.stored(indicator, tree.vaxjo, sex, n)
    figures = by_sex(own_figures(lead, indicator, tree.vaxjo))
    assert set(figures) == {"T", "K", "M"}
    for fig in figures.values():
        assert fig.suppressed and fig.value is None
        assert fig.numerator is None and fig.denominator is None


def test_women_hidden_forces_men_hidden(
    tree: Any, staff: Any, lead: User, indicator: Indicator
) -> None:
    for sex, n in (("T", 12), ("K", 3), ("M", 9)):
        f.stored(indicator, tree.vaxjo, sex, n)
    figures = by_sex(own_figures(lead, indicator, tree.vaxjo))
    assert figures["K"].suppressed and figures["M"].suppressed  # else M = T - K gives K away
    assert not figures["T"].suppressed and figures["T"].value == 50.0
    assert figures["T"].denominator == 12


def test_large_enough_cells_are_all_shown(
    tree: Any, staff: Any, lead: User, indicator: Indicator
) -> None:
    for sex, n in (("T", 12), ("K", 5), ("M", 7)):
        f.stored(indicator, tree.vaxjo, sex, n)
    figures = own_figures(lead, indicator, tree.vaxjo)
    assert [fig.sex for fig in figures] == ["T", "K", "M"]
    assert not any(fig.suppressed for fig in figures)


def test_a_small_unit_is_protected_across_units(
    tree: Any, staff: Any, lead: User, indicator: Indicator
) -> None:
    # leaves: bof_unit K1 M2 (3), vux_unit K8 M12 (20); every level above holds the sums
    leaves = {tree.bof_unit: (1, 2), tree.vux_unit: (8, 12)}
    above = {
        tree.bof: [tree.bof_unit],
        tree.vux: [tree.vux_unit],
        tree.aov: [tree.bof_unit, tree.vux_unit],
        tree.vaxjo: [tree.bof_unit, tree.vux_unit],
    }
    table: dict[tuple[str, str], int] = {}
    for unit, (k, m) in leaves.items():
        table.update({(unit.code, "K"): k, (unit.code, "M"): m, (unit.code, "T"): k + m})
    for unit, parts in above.items():
        for i, sex in enumerate("KM"):
            table[(unit.code, sex)] = sum(leaves[p][i] for p in parts)
        table[(unit.code, "T")] = table[(unit.code, "K")] + table[(unit.code, "M")]
    units = {u.code: u for u in [*leaves, *above]}
    for (code, sex), n in table.items():
        f.stored(indicator, units[code], sex, n)
    hidden = {
        (fig.area, fig.sex) for fig in unit_figures(lead, indicator, tree.vaxjo) if fig.suppressed
    }
    assert ("BOF-UTR", "T") in hidden and ("BOF", "T") in hidden  # 3 persons
    assert ("0780", "T") not in hidden
    # relations of the published table: T = K + M per unit, a parent = the sum of its children
    parents = {"BOF-UTR": "BOF", "VUX-OPV": "VUX", "BOF": "AOV", "VUX": "AOV", "AOV": "0780"}
    relations = [Relation((c, "T"), ((c, "K"), (c, "M"))) for c in units]
    for parent in set(parents.values()):
        kids = [c for c, p in parents.items() if p == parent]
        relations += [Relation((parent, s), tuple((k, s) for k in kids)) for s in "TKM"]
    assert derivable(table, relations, hidden) == set()
    # the sibling branch had to give something up: else AOV − VUX gives BOF away
    assert hidden & {("VUX", "T"), ("AOV", "T"), ("VUX-OPV", "T")}


def test_manual_values_are_not_suppressed(tree: Any, lead: User) -> None:
    manual = Indicator.objects.create(
        key="kostnad_ifo_test", title="Kostnad", source=Indicator.Source.MANUAL, unit="kr"
    )
    f.stored(manual, tree.vaxjo, "T", 2, value=1234.0, source=IndicatorValue.Source.MANUAL)
    (fig,) = own_figures(lead, manual, tree.vaxjo)
    assert not fig.suppressed and fig.value == 1234.0
    assert fig.provenance == "Manuellt inlagt värde"


def test_out_of_scope_is_not_found(tree: Any, staff: Any, lead: User, indicator: Indicator) -> None:
    f.stored(indicator, tree.vaxjo, "T", 40)
    with pytest.raises(OrgUnit.DoesNotExist):
        own_figures(staff.kalmar_case_worker, indicator, tree.vaxjo)
    with pytest.raises(OrgUnit.DoesNotExist):
        unit_figures(staff.kalmar_case_worker, indicator, tree.vaxjo)
    # a case worker of one unit sees that unit's figures, not the municipality's
    with pytest.raises(OrgUnit.DoesNotExist):
        own_figures(staff.case_worker, indicator, tree.vaxjo)


def test_regional_analyst_sees_the_same_suppressed_aggregates(
    tree: Any, staff: Any, lead: User, indicator: Indicator
) -> None:
    for sex, n in (("T", 12), ("K", 3), ("M", 9)):
        f.stored(indicator, tree.vaxjo, sex, n)
    seen = by_sex(own_figures(staff.analyst, indicator, tree.vaxjo))
    assert seen["K"].suppressed and seen["M"].suppressed and seen["T"].value == 50.0


def api(user: User) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


@pytest.mark.usefixtures("english")
def test_api_figures(tree: Any, staff: Any, lead: User, indicator: Indicator) -> None:
    for sex, n in (("T", 12), ("K", 3), ("M", 9)):
        f.stored(indicator, tree.vaxjo, sex, n)
    url = reverse("indicator-figures")
    body = api(staff.analyst).get(url, {"indicator": KEY, "unit": "0780", "year": "2025"}).json()
    assert [(r["sex"], r["value"], r["suppressed"]) for r in body] == [
        ("T", 50.0, False),
        ("K", None, True),
        ("M", None, True),
    ]
    assert body[0]["provenance"].startswith("Beräknat av insyn")
    assert body[0]["period"] == "2025"
    one = api(staff.analyst).get(url, {"indicator": KEY, "unit": "0780", "sex": "T"}).json()
    assert len(one) == 1
    assert (
        api(staff.kalmar_case_worker).get(url, {"indicator": KEY, "unit": "0780"}).status_code
        == 404
    )
    assert api(staff.analyst).get(url, {"indicator": "nope", "unit": "0780"}).status_code == 404
    bad = api(staff.analyst).get(url, {"indicator": KEY, "unit": "0780", "sex": "X"})
    assert bad.status_code == 400 and "sex" in bad.json()["detail"]
    assert api(staff.analyst).get(url, {"indicator": KEY}).status_code == 400
    assert (
        api(staff.analyst).get(url, {"indicator": KEY, "unit": "0780", "year": "x"}).status_code
        == 400
    )
    assert APIClient().get(url, {"indicator": KEY, "unit": "0780"}).status_code in (401, 403)
