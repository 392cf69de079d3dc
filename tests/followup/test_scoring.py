"""AUDIT and DUDIT scoring against hand-computed totals at every band edge: women, men and X
(who takes the women's lower cut-offs)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from insyn.followup.models import Instrument
from insyn.followup.scoring import band_for
from insyn.followup.values import parse_instrument
from tests.followup.factories import programme


def _items(prefix: str, points: list[int]) -> dict[str, str]:
    return {f"q{i}": str(p) for i, p in enumerate(points, start=1)}


# (item points, hand-computed total)
AUDIT_CASES = [
    ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0),
    ([1, 1, 1, 1, 1, 0, 0, 0, 0, 0], 5),
    ([1, 1, 1, 1, 1, 1, 0, 0, 0, 0], 6),
    ([1, 1, 1, 1, 1, 1, 1, 0, 0, 0], 7),
    ([2, 2, 2, 0, 0, 0, 0, 0, 2, 0], 8),
    ([3, 2, 2, 1, 1, 1, 1, 0, 0, 2], 13),
    ([3, 2, 2, 1, 1, 1, 1, 1, 0, 2], 14),
    ([3, 3, 2, 1, 1, 1, 1, 1, 0, 2], 15),
    ([3, 3, 3, 1, 1, 1, 1, 1, 0, 2], 16),
    ([3, 3, 3, 2, 1, 1, 1, 1, 0, 2], 17),
    ([3, 3, 3, 2, 2, 1, 1, 1, 0, 2], 18),
    ([3, 3, 3, 2, 2, 2, 1, 1, 0, 2], 19),
    ([3, 3, 3, 2, 2, 2, 2, 1, 0, 2], 20),
    ([4, 4, 4, 4, 4, 4, 4, 4, 4, 4], 40),
]
# sex -> {total: band}. Men: WHO's zones (8–15 risk, 16–19 harmful, 20+ possible dependence);
# women, and X who takes the women's cut-offs: the Swedish version's zones two points lower.
_WOMEN = {0: "low", 5: "low", 6: "risk", 7: "risk", 8: "risk", 13: "risk", 14: "harmful"}
_WOMEN |= {15: "harmful", 16: "harmful", 17: "harmful", 18: "dependence", 19: "dependence"}
_WOMEN |= {20: "dependence", 40: "dependence"}
AUDIT_BANDS = {
    "K": _WOMEN,
    "X": _WOMEN,
    "M": {
        0: "low",
        5: "low",
        6: "low",
        7: "low",
        8: "risk",
        13: "risk",
        14: "risk",
        15: "risk",
        16: "harmful",
        17: "harmful",
        18: "harmful",
        19: "harmful",
        20: "dependence",
        40: "dependence",
    },
}
DUDIT_CASES = [
    ([0] * 11, 0),
    ([1] + [0] * 10, 1),
    ([1, 1] + [0] * 9, 2),
    ([1, 1, 1, 1, 1] + [0] * 6, 5),
    ([2, 2, 2] + [0] * 8, 6),
    ([4, 4, 4, 4, 4, 4] + [0] * 5, 24),
    ([4, 4, 4, 4, 4, 4, 1] + [0] * 4, 25),
    ([4] * 11, 44),
]
_DUDIT_WOMEN = {0: "none", 1: "none", 2: "problems", 5: "problems", 6: "problems"}
_DUDIT_WOMEN |= {24: "problems", 25: "dependence", 44: "dependence"}
DUDIT_BANDS = {
    "K": _DUDIT_WOMEN,
    "X": _DUDIT_WOMEN,
    "M": {
        0: "none",
        1: "none",
        2: "none",
        5: "none",
        6: "problems",
        24: "problems",
        25: "dependence",
        44: "dependence",
    },
}


@pytest.fixture
def instruments(tree, catalogues):
    p = programme(tree.vaxjo)
    from insyn.followup.models import Variable

    dudit_var = Variable.objects.create(
        programme=p,
        key="dudit",
        label="DUDIT",
        type="instrument",
        instrument=Instrument.objects.get(key="dudit"),
    )
    return {"audit": p.variables.get(key="audit"), "dudit": dudit_var}


@pytest.mark.parametrize(("points", "total"), AUDIT_CASES)
@pytest.mark.parametrize("sex", ["K", "M", "X"])
def test_audit_totals_and_bands(instruments, points, total, sex):
    variable = instruments["audit"]
    parsed = parse_instrument(variable, None, _items("audit", points))
    assert parsed[0].item is None and parsed[0].number == total
    assert len(parsed) == 11
    assert band_for(variable.instrument, total, sex).code == AUDIT_BANDS[sex][total]


@pytest.mark.parametrize(("points", "total"), DUDIT_CASES)
@pytest.mark.parametrize("sex", ["K", "M", "X"])
def test_dudit_totals_and_bands(instruments, points, total, sex):
    variable = instruments["dudit"]
    parsed = parse_instrument(variable, None, _items("dudit", points))
    assert parsed[0].number == total
    assert band_for(variable.instrument, total, sex).code == DUDIT_BANDS[sex][total]


def test_sex_x_uses_the_lower_cutoffs(instruments):
    audit = instruments["audit"].instrument
    assert band_for(audit, 6, "X").code == "risk"
    assert band_for(audit, 5, "X").code == "low"
    dudit = instruments["dudit"].instrument
    assert band_for(dudit, 2, "X").code == "problems"
    assert band_for(dudit, 1, "X").code == "none"


def test_items_nine_and_ten_only_take_0_2_4(instruments):
    points = [0] * 10
    answers = _items("audit", points) | {"q9": "3"}
    with pytest.raises(ValidationError) as exc:
        parse_instrument(instruments["audit"], None, answers)
    assert "audit.q9" in exc.value.message_dict


def test_incomplete_items_are_refused(instruments):
    with pytest.raises(ValidationError) as exc:
        parse_instrument(instruments["audit"], None, {"q1": "2", "q2": "1"})
    assert "audit.q3" in exc.value.message_dict


def test_total_alone_is_accepted_within_range(instruments):
    assert parse_instrument(instruments["audit"], "12", {})[0].number == 12
    with pytest.raises(ValidationError):
        parse_instrument(instruments["audit"], "41", {})


def test_total_must_match_the_items(instruments, english):
    with pytest.raises(ValidationError, match="does not match"):
        parse_instrument(instruments["audit"], "7", _items("audit", [1] * 8 + [0, 0]))
    assert (
        parse_instrument(instruments["audit"], "10", _items("audit", [1] * 8 + [0, 2]))[0].number
        == 10
    )
