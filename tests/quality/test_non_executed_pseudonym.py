"""The IVO pseudonym: IVO's format, the sex digit, stable across quarters, never the
personnummer, unique in the municipality."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from insyn.quality.models import IvoPseudonym
from insyn.quality.selectors import non_executed as sel
from insyn.quality.selectors import non_executed_report as rep
from insyn.quality.services.non_executed import pseudonym_for
from tests.clients.factories import personnummer
from tests.quality import non_executed_factories as nf

FORMAT = re.compile(r"^(\d{8})-T(\d)(\d)(\d)$")


@pytest.mark.usefixtures("catalogues")
def test_format_and_sex_digit(tree) -> None:
    born = dt.date(1984, 2, 11)
    for sex, parity in (("K", 0), ("M", 1)):
        for _i in range(30):
            code = pseudonym_for(nf.person(tree.vux_unit, sex=sex, born=born))
            m = FORMAT.match(code)
            assert m, code
            assert m.group(1) == "19840211"
            # the third position of "T123" (T counted first) carries the sex
            assert int(m.group(3)) % 2 == parity
    codes = list(IvoPseudonym.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 60


@pytest.mark.usefixtures("catalogues")
def test_never_the_personnummer(tree) -> None:
    born = dt.date(1990, 7, 14)
    for serial in range(1, 200, 7):
        number = personnummer(born, female=serial % 2 == 0, serial=serial)
        client = nf.person(tree.vux_unit, number=number)
        code = pseudonym_for(client)
        last_four = number[-4:]
        assert last_four not in code.replace("-", "")[8:]
        assert number not in code and number[2:] not in code
        assert int(code[-2]) % 2 == int(number[-2]) % 2  # same sex digit parity


@pytest.mark.usefixtures("catalogues")
def test_stable_across_quarters(tree) -> None:
    d = nf.quick(tree.vux_unit, dt.date(2026, 1, 10))
    ids = set()
    for q in (sel.Quarter(2026, 2), sel.Quarter(2026, 3), sel.Quarter(2026, 4)):
        rows = rep.report_rows(sel.quarter_list([d], q), q)
        assert len(rows) == 1
        ids.add(rows[0].pseudonym)
    assert len(ids) == 1
    assert IvoPseudonym.objects.filter(client=d.case.client).count() == 1


@pytest.mark.usefixtures("catalogues", "english")
def test_sex_x_gets_a_code_and_is_not_stated(tree) -> None:
    client = nf.person(tree.vux_unit, sex="X", born=dt.date(2000, 1, 1))
    assert FORMAT.match(pseudonym_for(client))
    d = nf.decision(nf.open_case(client), dt.date(2026, 1, 10))
    q = sel.Quarter(2026, 3)
    values = dict(rep.report_rows(sel.quarter_list([d], q), q)[0].values())
    assert values["Sex"] == "Not stated"


@pytest.mark.usefixtures("catalogues")
def test_unique_per_municipality_not_across(tree) -> None:
    born = dt.date(1955, 5, 5)
    vx = {pseudonym_for(nf.person(tree.vux_unit, sex="M", born=born)) for _ in range(40)}
    assert len(vx) == 40
    kalmar = pseudonym_for(nf.person(tree.kalmar_unit, sex="M", born=born))
    assert FORMAT.match(kalmar)
    assert IvoPseudonym.objects.get(code=kalmar, municipality=tree.kalmar)
