"""The API (restricted, audited, through the services) and `insyn survey` on the command line."""

from __future__ import annotations

import csv
import io
import json
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.urls import reverse

from insyn.core.models import AccessEntry
from insyn.surveys.models import Invitation, Questionnaire
from insyn.surveys.services.responses import response_enter
from tests.surveys.factories import placement, provider, response_for


@pytest.fixture
def occasion(surveys, tree):
    return placement(surveys.programme, tree.vux_unit, care_home=provider("Björkgården HVB"))


def test_api_lists_questionnaires_with_definitions(login, staff, surveys):
    data = (
        login(staff.analyst)
        .get(reverse("questionnaire-list"), {"key": "ifo-brukarundersokning"})
        .json()
    )
    assert data["count"] == 1 and data["results"][0]["definition"]["anonymous"] is True


def test_api_creates_an_invitation_and_returns_the_link_once(login, staff, occasion):
    client = login(staff.case_worker)
    r = response_for(occasion, "child")
    created = client.post(
        reverse("surveyinvitation-list"),
        {"response": r.pk, "channel": "handed"},
        content_type="application/json",
    )
    assert created.status_code == 201 and "/surveys/a/" in created.json()["link"]
    detail = client.get(reverse("surveyinvitation-detail", args=[created.json()["id"]])).json()
    assert "link" not in detail
    revoke = client.post(reverse("surveyinvitation-revoke", args=[created.json()["id"]]))
    assert revoke.status_code == 200 and revoke.json()["revoked_at"]


def test_api_outside_scope_is_404_and_changes_nothing(login, staff, occasion):
    r = response_for(occasion, "child")
    client = login(staff.kalmar_case_worker)
    assert (
        client.post(
            reverse("surveyinvitation-list"),
            {"response": r.pk, "channel": "handed"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert client.get(reverse("surveyresponse-detail", args=[r.pk])).status_code == 404
    assert (
        client.post(
            reverse("surveyresponse-non-response", args=[r.pk]),
            {"reason": "moved"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert Invitation.objects.count() == 0


def test_api_non_response_and_audited_reads(login, staff, occasion):
    client = login(staff.case_worker)
    r = response_for(occasion, "guardian")
    bad = client.post(
        reverse("surveyresponse-non-response", args=[r.pk]),
        {"reason": "nope"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    ok = client.post(
        reverse("surveyresponse-non-response", args=[r.pk]),
        {"reason": "moved"},
        content_type="application/json",
    )
    assert ok.json()["status"] == "non_response" and ok.json()["non_response_reason"] == "moved"
    before = AccessEntry.objects.count()
    listed = client.get(reverse("surveyresponse-list"), {"occasion": occasion.pk}).json()
    assert listed["count"] == 3 and AccessEntry.objects.count() - before == 3


def test_api_results_need_aggregate_access(login, staff, surveys):
    assert (
        login(staff.admin)
        .get(reverse("survey-results"), {"questionnaire": "placering-barn-unga"})
        .status_code
        == 404
    )
    bad = login(staff.case_worker).get(
        reverse("survey-results"), {"questionnaire": "placering-barn-unga", "by": "colour"}
    )
    assert bad.status_code == 400


def test_cli_list(surveys):
    out = StringIO()
    call_command("survey", "list", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "key\tversion\tname\tanonymous\tstatus"
    assert (
        "ifo-brukarundersokning\t1\tBrukarundersökning individ- och familjeomsorg\tyes\tpublished"
        in lines
    )


def test_cli_export_import_round_trip(surveys, tmp_path):
    path = tmp_path / "ifo.yaml"
    call_command(
        "survey", "export", "ifo-brukarundersokning", "--output", str(path), stdout=StringIO()
    )
    data = yaml.safe_load(path.read_text())
    data["key"] = "ifo-kopia"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    out = StringIO()
    call_command("survey", "import", str(path), stdout=out)
    assert out.getvalue().strip() == "ifo-kopia v1: created"
    again = StringIO()
    call_command("survey", "export", "ifo-kopia", stdout=again)
    assert yaml.safe_load(again.getvalue()) == data
    # the export of the copy imports as "unchanged" and exports byte for byte the same
    copy = tmp_path / "copy.yaml"
    copy.write_text(again.getvalue())
    out = StringIO()
    call_command("survey", "import", str(copy), stdout=out)
    assert out.getvalue().strip() == "ifo-kopia v1: unchanged"
    third = StringIO()
    call_command("survey", "export", "ifo-kopia", stdout=third)
    assert third.getvalue() == again.getvalue()


@pytest.fixture
def answered(surveys, tree):
    home = provider("Björkgården HVB")
    for i in range(6):
        o = placement(surveys.programme, tree.vux_unit, care_home=home)
        response_enter(
            actor=None,
            response=response_for(o, "child"),
            draft={"barn_helhet": str(2 + i % 4)},
            mode="dialog",
        )
        if i < 2:
            response_enter(
                actor=None,
                response=response_for(o, "guardian"),
                draft={"vh_helhet": "4"},
                mode="dialog",
            )


def test_cli_results_csv_with_suppressed_column(answered):
    out = StringIO()
    call_command("survey", "results", "placering-barn-unga", "--by", "role", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == [
        "question",
        "role",
        "n",
        "mean",
        "share_positive",
        "ci_low",
        "ci_high",
        "suppressed",
    ]
    child = next(r for r in rows if r["question"] == "barn_helhet" and r["role"] == "child")
    assert (child["n"], child["suppressed"]) == ("6", "false")
    assert float(child["mean"]) == pytest.approx((2 + 3 + 4 + 5 + 2 + 3) / 6, abs=1e-4)
    guardian = next(r for r in rows if r["question"] == "vh_helhet" and r["role"] == "")
    assert (guardian["n"], guardian["suppressed"]) == ("", "true")


def test_cli_results_json_and_xlsx(answered, tmp_path):
    out = StringIO()
    call_command(
        "survey",
        "results",
        "placering-barn-unga",
        "--format",
        "json",
        "--by",
        "provider",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["by"] == ["provider"] and any(
        r["provider"] == "Björkgården HVB" for r in data["rows"]
    )
    path = tmp_path / "r.xlsx"
    call_command(
        "survey",
        "results",
        "placering-barn-unga",
        "--format",
        "xlsx",
        "--output",
        str(path),
        stdout=StringIO(),
    )
    from openpyxl import load_workbook

    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]][-1] == "Dold (få svar)"  # people's headers, Swedish


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["results", "nope"], "no questionnaire"),
        (["results", "placering-barn-unga", "--by", "colour"], "unknown: colour"),
        (["results", "placering-barn-unga", "--format", "pdf"], "--format must be"),
        (["results", "placering-barn-unga", "--format", "xlsx"], "needs --output"),
        (["import", "/no/such/file.yaml"], "no such file"),
        (["export", "nope"], "no questionnaire"),
    ],
)
def test_cli_bad_arguments_fail_clearly(surveys, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("survey", *args, stdout=StringIO())


def test_cli_import_of_a_bad_file_changes_nothing(surveys, tmp_path, english):
    path = tmp_path / "bad.yaml"
    path.write_text("key: x\nname: X\nsections: []\n")
    before = Questionnaire.objects.count()
    with pytest.raises(CommandError, match="at least one section"):
        call_command("survey", "import", str(path), stdout=StringIO())
    assert Questionnaire.objects.count() == before


def test_cli_load_templates(surveys):
    out = StringIO()
    call_command("survey", "load-templates", stdout=out)
    assert "placering-barn-unga v2: unchanged" in out.getvalue()  # the shipped correction
