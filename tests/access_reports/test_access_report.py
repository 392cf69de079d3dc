"""A person's access report (registerutdrag, GDPR art. 15): everything held about them in the
municipality and who read or changed it, checked against the database row by row; nothing
about anyone else; the duty; the log; the web form and the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from insyn.access_reports import render
from insyn.access_reports.selectors import access_report, person_querysets
from insyn.clients.models import Appeal, Case, Client, Decision, Intervention, Investigation
from insyn.core.identity import parse_identity
from insyn.core.models import AccessEntry, ChangeEntry
from insyn.core.roles import Action, Role
from insyn.followup.models import Enrollment, Goal, Occasion, Value
from insyn.organisations import services as org_services
from insyn.quality.models import Complaint, Deviation, LexSarahReport
from insyn.surveys.models import Answer, Invitation, Response
from tests.access_reports.factories import client_questionnaire, follow_up_programme, person
from tests.clients import factories as cf
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
URL = "access_reports:download"
FORM = "access_reports:produce"


@pytest.fixture
def registrar(tree):
    return user_with_role(Role.REGISTRAR, tree.vaxjo, username="registrar")


@pytest.fixture
def people(tree, staff, catalogues, login):
    """Anna has cases in two units of Växjö and was read by two case workers; Bertil, in the
    same units with the same kinds of records, was read too; Anna is also a client in Kalmar."""
    prog = follow_up_programme(tree.vaxjo)
    question = client_questionnaire(tree.vaxjo)
    anna = person(
        tree,
        staff,
        number=cf.personnummer(dt.date(1980, 5, 17), female=True),
        words="annas egna ord",
        prog=prog,
        question=question,
        second_unit=tree.bof_unit,
    )
    bertil = person(
        tree,
        staff,
        number=cf.personnummer(dt.date(1975, 2, 3)),
        words="bertils egna ord",
        prog=prog,
        question=question,
    )
    in_kalmar = cf.client(tree.kalmar_unit, number=anna.number)
    for user, who in ((staff.case_worker, anna), (staff.other_case_worker, anna)):
        page = login(user).get(reverse("clients:client_detail", args=[who.client.pk]))
        assert page.status_code == 200
    login(staff.case_worker).get(reverse("clients:client_detail", args=[bertil.client.pk]))
    return {"anna": anna, "bertil": bertil, "kalmar": in_kalmar}


def _wrong_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def _ids(report: Any, key: str) -> set[int]:
    return {r.id for s in report.sections if s.key == key for r in s.records}


def _expected(client: Client) -> dict[str, set[int]]:
    """The person's rows, read straight from the tables (not through the report's code)."""

    def pks(qs: Any) -> set[int]:
        return set(qs.values_list("pk", flat=True))

    responses = Response.objects.filter(occasion__enrollment__client=client)
    return {
        "clients": {client.pk},
        "cases": pks(Case.objects.filter(client=client)),
        "investigations": pks(Investigation.objects.filter(case__client=client)),
        "decisions": pks(Decision.objects.filter(case__client=client)),
        "appeals": pks(Appeal.objects.filter(decision__case__client=client)),
        "interventions": pks(Intervention.objects.filter(case__client=client)),
        "enrollments": pks(Enrollment.objects.filter(client=client)),
        "occasions": pks(Occasion.objects.filter(enrollment__client=client)),
        "values": pks(Value.objects.filter(occasion__enrollment__client=client)),
        "goals": pks(Goal.objects.filter(enrollment__client=client)),
        "responses": pks(responses),
        "answers": pks(Answer.objects.filter(response__in=responses)),
        "invitations": pks(Invitation.objects.filter(response__in=responses)),
        "deviations": pks(Deviation.objects.filter(client=client)),
        "lex_sarah": pks(LexSarahReport.objects.filter(client=client)),
        "complaints": pks(Complaint.objects.filter(client=client)),
    }


def test_the_report_lists_every_record_and_every_read_and_nothing_else(tree, staff, people):
    anna, bertil = people["anna"], people["bertil"]
    report = access_report(tree.vaxjo, parse_identity(anna.number))
    expected = _expected(anna.client)
    # the data really is spread over two units and every kind the brief names
    assert {c.unit_id for c in anna.cases} == {tree.vux_unit.pk, tree.bof_unit.pk}
    for key in ("cases", "decisions", "interventions", "occasions", "values", "goals", "answers"):
        assert expected[key], key
    assert expected["deviations"] == {anna.deviation.pk}
    for key, ids in expected.items():
        assert _ids(report, key) == ids, key
    assert report.client_ids == (anna.client.pk,)

    reads = AccessEntry.objects.filter(client_id=anna.client.pk)
    assert {line.id for line in report.reads} == set(reads.values_list("pk", flat=True))
    readers = set(reads.filter(action="view").values_list("actor", flat=True))
    assert {staff.case_worker.pk, staff.other_case_worker.pk} <= readers
    changes = ChangeEntry.objects.filter(client_id=anna.client.pk)
    assert {line.id for line in report.changes} == set(changes.values_list("pk", flat=True))
    assert len(report.changes) >= len(expected["cases"]) + 2  # registered, opened, ...

    # nothing about Bertil (same units, same kinds of records) or Anna's Kalmar record
    others = {bertil.client.pk, people["kalmar"].pk}
    assert not others & _ids(report, "clients")
    for key, ids in _expected(bertil.client).items():
        assert not ids & _ids(report, key), key
    bertils_reads = set(
        AccessEntry.objects.filter(client_id__in=others).values_list("pk", flat=True)
    )
    assert not bertils_reads & {line.id for line in report.reads}
    text = render.to_json(report).decode()
    assert "annas egna ord" in text and "bertils egna ord" not in text
    assert bertil.client.client_ref not in text
    assert tree.kalmar_unit.name not in text and tree.kalmar.name not in text


def test_every_section_query_names_only_the_person(tree, staff, people):
    """The report's own queries, section by section, give only rows of the person's client."""
    anna = people["anna"]
    for key, qs in person_querysets([anna.client.pk]).items():
        for obj in qs:
            client_id = obj.pk if key == "clients" else obj.audit_client_id()
            assert client_id == anna.client.pk, (key, obj.pk)


def test_the_pdf_text_shows_the_records_and_the_readers(tree, staff, people):
    from pypdf import PdfReader

    anna = people["anna"]
    report = access_report(tree.vaxjo, parse_identity(anna.number))
    pdf = render.to_pdf(report)
    assert pdf[:4] == b"%PDF"
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    assert "Registerutdrag" in flat
    assert f"{anna.number[:8]}-{anna.number[8:]}" in flat
    for case in anna.cases:
        assert case.case_ref in flat
    assert anna.client.client_ref in flat
    assert "annas egna ord" in flat  # the goal, the answer and the deviation
    assert "bertils egna ord" not in flat
    assert str(staff.case_worker) in flat and str(staff.other_case_worker) in flat
    assert "Vem som läst uppgifterna" in flat


def test_a_registrar_downloads_json_and_the_production_is_logged(
    tree, staff, people, registrar, login
):
    anna = people["anna"]
    before = set(AccessEntry.objects.filter(client_id=anna.client.pk).values_list("pk", flat=True))
    response = login(registrar).post(
        reverse(URL), {"personnummer": anna.number, "municipality": tree.vaxjo.pk, "format": "json"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["found"] is True
    sections = {s["key"]: {r["id"] for r in s["records"]} for s in data["sections"]}
    for key, ids in _expected(anna.client).items():
        assert sections[key] == ids, key
    assert {r["id"] for r in data["reads"]} == before

    logged = AccessEntry.objects.filter(purpose="access_report", actor=registrar)
    assert list(logged.values_list("action", "client_id")) == [("export", anna.client.pk)]
    entry = logged.get()
    assert entry.detail["format"] == "json" and entry.detail["via"] == "web"
    assert anna.number not in json.dumps(entry.detail) + entry.path
    # visible to the municipality's auditors, not to another municipality's
    assert AccessEntry.objects.restrict(staff.admin, Action.VIEW_AUDIT).filter(pk=entry.pk).exists()
    assert AccessEntry.objects.restrict(staff.quality_lead, Action.VIEW_AUDIT).filter(pk=entry.pk)
    assert not AccessEntry.objects.restrict(staff.kalmar_admin, Action.VIEW_AUDIT).filter(
        pk=entry.pk
    )


def test_a_registrar_downloads_a_pdf(tree, people, registrar, login):
    anna = people["anna"]
    page = login(registrar).get(reverse(FORM))
    assert page.status_code == 200
    response = login(registrar).post(
        reverse(URL), {"personnummer": anna.number, "municipality": tree.vaxjo.pk, "format": "pdf"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content[:4] == b"%PDF"


def test_a_person_without_records_gets_an_empty_report_and_it_is_logged(
    tree, staff, registrar, login
):
    number = cf.personnummer(dt.date(1990, 1, 1))
    response = login(registrar).post(
        reverse(URL), {"personnummer": number, "municipality": tree.vaxjo.pk, "format": "json"}
    )
    data = json.loads(response.content)
    assert data["found"] is False and data["sections"] == [] and data["reads"] == []
    entry = AccessEntry.objects.get(purpose="access_report")
    assert entry.client_id is None and entry.org_path == tree.vaxjo.path
    assert AccessEntry.objects.restrict(staff.admin, Action.VIEW_AUDIT).filter(pk=entry.pk).exists()


def test_a_bad_check_digit_gets_a_message_and_nothing_is_produced(tree, people, registrar, login):
    anna = people["anna"]
    wrong = _wrong_digit(anna.number)
    entries = AccessEntry.objects.count()
    response = login(registrar).post(
        reverse(URL), {"personnummer": wrong, "municipality": tree.vaxjo.pk, "format": "pdf"}
    )
    assert response.status_code == 400
    assert "Content-Disposition" not in response
    with translation.override("sv"):
        message = translation.gettext(
            "This is not a valid personal identity number or coordination number."
        )
    body = response.content.decode()
    assert message in body
    assert wrong not in body and wrong[2:] not in body  # the number is not echoed
    assert AccessEntry.objects.count() == entries  # nothing read, nothing logged


@pytest.mark.parametrize(
    "role", ["case_worker", "unit_manager", "quality_lead", "admin", "analyst"]
)
def test_a_user_without_the_duty_gets_404(tree, staff, people, login, role):
    user = getattr(staff, role)
    client = login(user)
    assert client.get(reverse(FORM)).status_code == 404
    response = client.post(
        reverse(URL),
        {"personnummer": people["anna"].number, "municipality": tree.vaxjo.pk, "format": "json"},
    )
    assert response.status_code == 404
    assert not AccessEntry.objects.filter(purpose="access_report").exists()


def test_another_municipalitys_registrar_cannot_ask_about_vaxjo(tree, people, login):
    kalmar_registrar = user_with_role(Role.REGISTRAR, tree.kalmar, username="reg_kalmar")
    response = login(kalmar_registrar).post(
        reverse(URL),
        {"personnummer": people["anna"].number, "municipality": tree.vaxjo.pk, "format": "json"},
    )
    assert response.status_code == 400  # not a choice: the same answer for anyone
    assert not AccessEntry.objects.filter(purpose="access_report").exists()


def test_the_registrar_role_sits_on_a_municipality(tree, staff):
    user = staff.case_worker
    with pytest.raises(ValidationError):
        org_services.membership_grant(
            actor=None, user=user, org_unit=tree.vux_unit, role=Role.REGISTRAR
        )
    org_services.membership_grant(actor=None, user=user, org_unit=tree.vaxjo, role=Role.REGISTRAR)


def test_the_cli_reads_the_number_from_stdin_and_writes_the_file(tree, people, tmp_path):
    anna = people["anna"]
    out = tmp_path / "utdrag.json"
    stdout = io.StringIO()
    call_command(
        "person",
        "report",
        "--municipality",
        "0780",
        "--output",
        str(out),
        "--format",
        "json",
        stdin=io.StringIO(anna.number + "\n"),
        stdout=stdout,
    )
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {r["id"] for s in data["sections"] if s["key"] == "cases" for r in s["records"]} == {
        c.pk for c in anna.cases
    }
    entry = AccessEntry.objects.get(purpose="access_report")
    assert entry.actor is None and entry.detail["via"] == "cli"
    assert entry.client_id == anna.client.pk
    assert str(out) in stdout.getvalue()

    pdf = tmp_path / "utdrag.pdf"
    call_command(
        "person",
        "report",
        "--municipality",
        "0780",
        "--output",
        str(pdf),
        stdin=io.StringIO(anna.number),
        stdout=io.StringIO(),
    )
    assert pdf.read_bytes()[:4] == b"%PDF"


def test_the_cli_refuses_a_bad_number_and_writes_nothing(tree, tmp_path):
    out = tmp_path / "utdrag.json"
    with pytest.raises(CommandError):
        call_command(
            "person",
            "report",
            "--municipality",
            "0780",
            "--output",
            str(out),
            stdin=io.StringIO(_wrong_digit(cf.personnummer(dt.date(1980, 5, 17))) + "\n"),
        )
    assert not out.exists()
    assert not AccessEntry.objects.filter(purpose="access_report").exists()
    with pytest.raises(CommandError):
        call_command("person", "report", "--municipality", "9999", "--output", str(out))


def test_invitations_are_listed_with_the_persons_own_address_only(tree, staff, people):
    anna = people["anna"]
    common = {
        "questionnaire": anna.response.questionnaire,
        "response": anna.response,
        "unit": anna.response.unit,
        "expires_at": timezone.now(),
    }
    own = Invitation.objects.create(
        **common, respondent_role="client", channel="sms", contact="+46701234567"
    )
    guardian = Invitation.objects.create(
        **common, respondent_role="guardian", channel="email", contact="foralder@example.se"
    )
    report = access_report(tree.vaxjo, parse_identity(anna.number))
    records = {r.id: r for s in report.sections if s.key == "invitations" for r in s.records}
    assert set(records) == {own.pk, guardian.pk}
    assert {f.name: f.value for f in records[own.pk].fields}["contact"] == "+46701234567"
    assert "contact" not in {f.name for f in records[guardian.pk].fields}
    assert b"foralder@example.se" not in render.to_json(report)
