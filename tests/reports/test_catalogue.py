"""The provider catalogue: per provider the figures the test put in (counted here, not by the
code under test), nothing about a provider below the threshold (nor about the provider hidden
as its complement) in HTML, PDF or DOCX, no provider of another municipality, a user limited to
one unit sees that unit's figures only, and no client reference appears."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

import pytest
from docx import Document as WordDocument
from pypdf import PdfReader

from insyn.analytics.aggregate import forget_results
from insyn.clients.models import Client, Intervention, Provider
from insyn.core.suppression import Relation
from insyn.core.suppression_check import derivable
from insyn.followup.models import Enrollment, Occasion, Value
from insyn.reports import spec
from insyn.reports.document import Document, Paragraph, Table
from insyn.reports.renderers import render
from insyn.reports.services.build import resolve
from insyn.surveys.services.responses import response_enter
from tests.analytics.factories import make_programme
from tests.followup.factories import catalogue_basics
from tests.followup.factories import intervention as plain_intervention
from tests.reports import factories as rf
from tests.surveys.factories import (
    PLACEMENT,
    load_templates,
    placement,
    placement_programme,
    provider,
    response_for,
)

TODAY = dt.date.today()
YEAR = TODAY.year
ENDED = max(TODAY - dt.timedelta(days=3), dt.date(YEAR, 1, 1))
HIDDEN = "dolt (färre än 5)"

# Per care home: the case workers' answers to "hl_helhet" (quality criterion nöjdhet, scale 1-5)
# and the before/after "days with problems" (lower is better) of each placement.
BIG = ("Björkgården HVB", ["5"] * 7 + ["1"] * 5, [(20, 10)] * 6 + [(20, 25)] * 6)
MID = ("Mellangården HVB", ["4"] * 6, [(20, 5)] * 6)
SMALL = ("Småstugan HVB", ["5"] * 2, [(20, 5)] * 2)
NORD_PLACEMENTS = 8  # in the children's unit: interventions only
KALMAR_PLACEMENTS = 6


@dataclass
class World:
    providers: dict[str, Provider]
    year: int


@pytest.fixture(autouse=True)
def frame_cache(tmp_path, settings):
    settings.INSYN_ANALYTICS_CACHE = tmp_path / "analytics"
    forget_results()
    yield
    forget_results()


def _followup(design, iv: Intervention, before: int, after: int) -> None:
    enrollment = Enrollment.objects.create(
        programme=design.programme,
        client=iv.case.client,
        intervention=iv,
        unit=iv.case.unit,
        method="automatic",
        status="completed",
        enrolled_on=iv.started_on,
    )
    for key, due, number in (
        ("before", iv.started_on, before),
        ("after", iv.ended_on, after),
    ):
        occasion = Occasion.objects.create(
            enrollment=enrollment,
            stage=design.stages[key],
            due_on=due,
            window_start=due - dt.timedelta(days=14),
            window_end=due + dt.timedelta(days=30),
            status="done",
            done_on=due,
        )
        Value.objects.create(occasion=occasion, variable=design.variables["days"], number=number)


@pytest.fixture
def world(tree, staff, catalogues) -> World:
    questionnaires = load_templates(tree.nation)
    programme = placement_programme(tree.vaxjo, questionnaires[PLACEMENT])
    design = make_programme(tree)
    homes: dict[str, Provider] = {}
    for name, answers, pairs in (BIG, MID, SMALL):
        home = homes[name] = provider(name)
        for answer, (before, after) in zip(answers, pairs, strict=True):
            occasion = placement(programme, tree.vux_unit, care_home=home, ended_on=ENDED)
            response_enter(
                actor=None,
                response=response_for(occasion, "case_worker"),
                draft={
                    "hl_helhet": answer,
                    "hl_placeringsorsak": "hemmiljo",
                    "hl_mal_fanns": "yes",
                },
                mode="dialog",
            )
            _followup(design, occasion.enrollment.intervention, before, after)
    nord = homes["Nordgården HVB"] = provider("Nordgården HVB")
    for _i in range(NORD_PLACEMENTS):
        placement(programme, tree.bof_unit, care_home=nord, ended_on=ENDED)
    kalmar = homes["Kalmarhemmet"] = provider("Kalmarhemmet")
    for _i in range(KALMAR_PLACEMENTS):
        iv = plain_intervention(
            tree.kalmar_unit,
            catalogue_basics()["hvb"],  # type: ignore[arg-type]
            started_on=ENDED - dt.timedelta(days=100),
            ended_on=ENDED,
        )
        iv.provider = kalmar
        iv.save(update_fields=["provider"])
    homes["Öppenvården Växjö"] = Provider.objects.create(
        code="own-opv", name="Öppenvården Växjö", kind=Provider.Kind.OWN, municipality=tree.vaxjo
    )
    homes["Kalmar öppenvård"] = Provider.objects.create(
        code="own-kalmar", name="Kalmar öppenvård", kind=Provider.Kind.OWN, municipality=tree.kalmar
    )
    return World(homes, YEAR)


def _template() -> dict:
    return rf.template(
        rf.chapter({"id": "katalog", "kind": "provider_catalogue"}, title="Utförare")
    )


def _overview(doc: Document) -> dict[str, list]:
    table = doc.tables()[0]
    return {row[0].text: row for row in table.rows}


def _results(doc: Document, name: str) -> dict[str, list] | None:
    found = [t for t in doc.tables() if t.caption.endswith(name)]
    return {row[0].text: row for row in found[0].rows} if found else None


def _share(answers: list[str]) -> float:
    return sum(1 for a in answers if int(a) >= 4) / len(answers)


def _improved(pairs: list[tuple[int, int]]) -> float:
    return sum(1 for b, a in pairs if a < b) / len(pairs)


def test_template_is_valid_and_public():
    template = spec.load("catalogue")
    assert template["audience"] == "public"
    assert [b["kind"] for b in spec.blocks(template)] == ["narrative", "provider_catalogue"]


def test_figures_per_provider_equal_what_was_put_in(world, tree, staff):
    doc = resolve(_template(), user=staff.quality_lead, unit=tree.aov, year=world.year)
    rows = _overview(doc)
    name, answers, pairs = BIG
    assert rows[name][3].value == len(answers)
    assert rows["Nordgården HVB"][3].value == NORD_PLACEMENTS
    assert rows["Öppenvården Växjö"][3].value == 0
    total = len(BIG[1]) + len(MID[1]) + len(SMALL[1]) + NORD_PLACEMENTS
    assert rows["Alla utförare"][3].value == total
    # The small home is hidden, and so is its complement (else total minus the rest shows it).
    for hidden in (SMALL[0], MID[0]):
        assert rows[hidden][3].suppressed and rows[hidden][3].value is None
    truth = {home: len(answers) for home, answers, _pairs in (BIG, MID, SMALL)}
    truth.update({"Nordgården HVB": NORD_PLACEMENTS, "Öppenvården Växjö": 0})
    truth["Alla utförare"] = sum(truth.values())
    relation = Relation("Alla utförare", tuple(k for k in truth if k != "Alla utförare"))
    shown_hidden = {k for k, row in rows.items() if row[3].suppressed}
    assert derivable(truth, [relation], shown_hidden) == set()
    results = _results(doc, name)
    assert results is not None
    survey = next(row for label, row in results.items() if label.startswith("Brukarenkät"))
    assert survey[1].value == len(answers)
    assert survey[2].value == pytest.approx(_share(answers), abs=1e-4)
    follow = next(row for label, row in results.items() if "Dagar med problem" in label)
    assert follow[1].value == len(pairs)
    assert follow[2].value == pytest.approx(_improved(pairs), abs=1e-4)
    # Nothing at all for the hidden ones, and no result table without a shown figure.
    for hidden in (SMALL[0], MID[0], "Nordgården HVB"):
        assert _results(doc, hidden) is None


def test_other_municipality_does_not_appear(world, tree, staff):
    doc = resolve(_template(), user=staff.quality_lead, unit=tree.aov, year=world.year)
    names = set(_overview(doc))
    assert "Kalmarhemmet" not in names and "Kalmar öppenvård" not in names
    assert not any("Kalmar" in t for t in _texts(doc))


def test_a_user_limited_to_one_unit_sees_that_scope(world, tree, staff):
    doc = resolve(_template(), user=staff.unit_manager, unit=tree.aov, year=world.year)
    rows = _overview(doc)
    assert "Nordgården HVB" not in rows  # its clients are in the children's unit
    assert rows[BIG[0]][3].value == len(BIG[1])
    assert rows["Alla utförare"][3].value == len(BIG[1]) + len(MID[1]) + len(SMALL[1])
    # A report for the children's unit counts only that unit's placements.
    doc = resolve(_template(), user=staff.quality_lead, unit=tree.bof, year=world.year)
    rows = _overview(doc)
    assert rows["Nordgården HVB"][3].value == NORD_PLACEMENTS
    assert BIG[0] not in rows


def test_a_year_without_interventions_says_so(world, tree, staff):
    doc = resolve(_template(), user=staff.quality_lead, unit=tree.aov, year=2001)
    items = doc.blocks()[0].items
    assert [i.type for i in items[:1]] == ["table"]  # the own provider is still listed
    assert _overview(doc)["Öppenvården Växjö"][3].value == 0
    assert _overview(doc)["Alla utförare"][3].value == 0


def _texts(doc: Document) -> list[str]:
    out = []
    for block in doc.blocks():
        for item in block.items:
            if isinstance(item, Paragraph):
                out.append(item.plain)
            elif isinstance(item, Table):
                out += [item.caption, *[c.text for row in item.rows for c in row]]
            else:
                out.append(item.text)
    return out


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _docx_text(content: bytes) -> str:
    """Paragraphs and tables in the order of the document."""
    word = WordDocument(io.BytesIO(content))
    parts = []
    for item in word.iter_inner_content():
        if hasattr(item, "rows"):
            parts += [cell.text for row in item.rows for cell in row.cells]
        else:
            parts.append(item.text)
    return "\n".join(parts)


def _section(text: str, start: str, end: str) -> str:
    """The text of one provider's own section (its heading is its name's last mention)."""
    return text[text.rindex(start) : text.rindex(end)]


def test_no_hidden_figure_or_client_data_in_any_format(world, tree, staff):
    doc = resolve(_template(), user=staff.quality_lead, unit=tree.aov, year=world.year)
    big_share = f"{round(100 * _share(BIG[1]))} %"
    big_improved = f"{round(100 * _improved(BIG[2]))} %"
    refs = [
        *Client.objects.values_list("client_ref", flat=True),
        *Intervention.objects.values_list("intervention_ref", flat=True),
        *Intervention.objects.values_list("case__case_ref", flat=True),
    ]
    formats = {
        "html": re.sub(r"<[^>]+>", " ", render(doc, "html").decode()),
        "pdf": _pdf_text(render(doc, "pdf")),
        "docx": _docx_text(render(doc, "docx")),
    }
    for fmt, raw in formats.items():
        text = " ".join(raw.split())
        assert big_share in text and big_improved in text, fmt
        assert HIDDEN in text, fmt
        # Both the small home's and its complement's shares are 100 %; neither is shown.
        assert "100 %" not in text, fmt
        small = _section(text, SMALL[0], "Öppenvården Växjö")
        assert not re.search(rf"\b{len(SMALL[1])}\b", small), (fmt, small)
        mid = _section(text, MID[0], "Nordgården HVB")
        assert not re.search(rf"\b{len(MID[1])}\b", mid), (fmt, mid)
        assert "Kalmarhemmet" not in text
        for ref in refs:
            assert ref not in text, (fmt, ref)
