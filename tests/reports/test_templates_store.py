"""A municipality's own report templates: uploaded YAML, versions that only go up, the newest
active version used by new drafts (else the shipped one), export and import that give back the
same text, every problem of a bad upload named with its place, and nobody else sees them."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from insyn.core.models import ChangeEntry
from insyn.core.roles import Role
from insyn.reports import spec
from insyn.reports.models import ReportTemplate
from insyn.reports.services import reports as report_services
from insyn.reports.services import templates as services
from tests.factories import user_with_role
from tests.reports import factories as rf

SHIPPED = (spec.TEMPLATE_DIR / "default.yaml").read_text(encoding="utf-8")

OWN = """# Växjö's own report: one chapter, kept short
key: default
version: 2
title: {sv: Vår kvalitetsberättelse, en: Our quality report}
chapters:
  - id: inledning
    title: Inledning
    blocks:
      - id: inledning_text
        kind: narrative
        text: "Så här gick {{ year }} i {{ municipality }}."
"""


def own(version: int = 2, key: str = "default", title: str = "Vår kvalitetsberättelse") -> str:
    return (
        OWN.replace("version: 2", f"version: {version}")
        .replace("key: default", f"key: {key}")
        .replace("Vår kvalitetsberättelse", title)
    )


def upload_file(source: str, name: str = "mall.yaml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, source.encode("utf-8"), content_type="application/yaml")


@pytest.fixture(autouse=True)
def english():
    """Messages of services and the CLI in English (the pages choose their own: Swedish)."""
    with translation.override("en"):
        yield


@pytest.fixture
def kalmar_lead(tree):
    return user_with_role(Role.QUALITY_LEAD, tree.kalmar, username="quality_kalmar")


def test_an_uploaded_version_is_used_by_new_drafts_and_recorded(tree, staff):
    rf.world(tree)
    stored = services.upload(actor=staff.quality_lead, municipality=tree.vaxjo, source=own())
    assert (stored.key, stored.version, stored.source) == ("default", 2, own())
    entry = ChangeEntry.objects.get(object_type="reports.reporttemplate", action="create")
    assert entry.object_id == str(stored.pk) and entry.org_path == tree.vaxjo.path

    draft = report_services.create_draft(
        actor=staff.quality_lead, unit=tree.aov, template_key="default", year=2024
    )
    assert draft.template_version == 2 and draft.title == "Vår kvalitetsberättelse"
    assert [c["id"] for c in draft.template["chapters"]] == ["inledning"]

    services.set_active(actor=staff.quality_lead, template=stored, active=False)
    assert ChangeEntry.objects.filter(
        object_type="reports.reporttemplate", action="deactivate"
    ).exists()
    later = report_services.create_draft(
        actor=staff.quality_lead, unit=tree.aov, template_key="default", year=2024
    )
    assert later.template_version == 1 and later.title == "Kvalitetsberättelse"
    draft.refresh_from_db()
    assert draft.template_version == 2  # a draft keeps the template it was made from


def test_the_newest_active_version_applies(tree, staff):
    v2 = services.upload(actor=staff.quality_lead, municipality=tree.vaxjo, source=own(2))
    services.upload(actor=staff.quality_lead, municipality=tree.vaxjo, source=own(3, title="Tre"))
    assert spec.text(spec.load("default", tree.vaxjo)["title"], "sv") == "Tre"
    three = ReportTemplate.objects.get(version=3)
    services.set_active(actor=staff.quality_lead, template=three, active=False)
    assert spec.load("default", tree.vaxjo) == v2.content
    assert spec.load("default") == spec.parse(SHIPPED)  # without a municipality: shipped


def test_a_new_key_is_offered_for_new_drafts(tree, staff, login):
    services.upload(
        actor=staff.quality_lead, municipality=tree.vaxjo, source=own(1, key="egen", title="Egen")
    )
    shipped = ["catalogue", "default", "popular"]
    assert spec.available(tree.vaxjo) == sorted([*shipped, "egen"])
    assert spec.available(tree.kalmar) == shipped
    page = login(staff.quality_lead).get(reverse("reports:list")).content.decode()
    assert 'value="egen"' in page and "Egen (egen)" in page


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("key: default\nversion: 2\ntitle: [unclosed\n", ["inte giltig YAML", "line 3"]),
        (
            own().replace("kind: narrative", "kind: pie_chart"),
            ["kapitel 1, block 1: okänd blocktyp pie_chart"],
        ),
        (
            own().replace("title: {sv: Vår kvalitetsberättelse, en: Our quality report}\n", ""),
            ["Mallen behöver en"],
        ),
        ("- just\n- a list\n", ["En rapportmall ska ha nyckel, titel och kapitel."]),
    ],
    ids=["invalid-yaml", "unknown-kind", "missing-title", "not-a-mapping"],
)
def test_a_bad_upload_says_what_is_wrong_and_stores_nothing(tree, staff, login, source, expected):
    client = login(staff.quality_lead)
    response = client.post(
        reverse("reports:templates"), {"municipality": tree.vaxjo.pk, "file": upload_file(source)}
    )
    assert response.status_code == 400
    html = response.content.decode()
    for text in expected:
        assert text in html
    assert not ReportTemplate.objects.exists()
    assert not ChangeEntry.objects.filter(object_type="reports.reporttemplate").exists()


def test_every_problem_is_listed_with_its_place(tree, staff):
    source = """key: default
version: 0
chapters:
  - title: Ett
    blocks:
      - {id: a, kind: narrative}
      - {id: b, kind: pie_chart}
  - blocks:
      - {id: a, kind: narrative}
      - {id: Bad Id, kind: narrative}
"""
    with pytest.raises(ValidationError) as caught:
        services.upload(actor=staff.quality_lead, municipality=tree.vaxjo, source=source)
    problems = caught.value.messages
    assert problems == [
        "The template version must be a whole number from 1.",
        "The template needs a title.",
        "chapter 1, block 2: unknown block kind pie_chart (known: "
        + ", ".join(sorted(__import__("insyn.reports.blocks", fromlist=["KINDS"]).KINDS))
        + ").",
        "chapter 2 needs a title.",
        "Block id a is used twice.",
        "chapter 2, block 2 needs an id (letters, digits, - or _).",
    ]
    assert not ReportTemplate.objects.exists()


def test_versions_only_go_up(tree, staff):
    with pytest.raises(ValidationError, match="already has version 1: upload it as version 2"):
        services.upload(actor=staff.quality_lead, municipality=tree.vaxjo, source=own(1))
    services.upload(actor=staff.quality_lead, municipality=tree.vaxjo, source=own(3))
    for version in (3, 2):
        with pytest.raises(ValidationError, match="already has version 3"):
            services.upload(actor=staff.quality_lead, municipality=tree.vaxjo, source=own(version))
    # a deactivated version still counts: an old file cannot come back under its number
    services.set_active(
        actor=staff.quality_lead, template=ReportTemplate.objects.get(), active=False
    )
    with pytest.raises(ValidationError, match="already has version 3"):
        services.upload(actor=staff.quality_lead, municipality=tree.vaxjo, source=own(3))
    assert ReportTemplate.objects.count() == 1
    # another municipality counts its own versions (and the shipped one)
    services.upload(actor=None, municipality=tree.kalmar, source=own(2))
    assert ReportTemplate.objects.count() == 2


def test_another_municipalitys_templates_are_invisible(tree, staff, login, kalmar_lead):
    rf.world(tree)
    vaxjo = services.upload(actor=staff.quality_lead, municipality=tree.vaxjo, source=own())
    assert spec.load("default", tree.kalmar)["version"] == 1
    with pytest.raises(Http404):
        services.upload(actor=kalmar_lead, municipality=tree.vaxjo, source=own(4))
    with pytest.raises(Http404):
        services.set_active(actor=kalmar_lead, template=vaxjo, active=False)

    client = login(kalmar_lead)
    page = client.get(reverse("reports:templates"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Vår kvalitetsberättelse" not in html and "Kvalitetsberättelse" in html
    assert f'value="{tree.vaxjo.pk}"' not in html  # cannot upload for Växjö either
    assert client.get(reverse("reports:template_export", args=[vaxjo.pk])).status_code == 404
    post = client.post(reverse("reports:template_active", args=[vaxjo.pk]))
    assert post.status_code == 404
    refused = client.post(
        reverse("reports:templates"),
        {"municipality": tree.vaxjo.pk, "file": upload_file(own(5))},
    )
    assert refused.status_code == 400
    vaxjo.refresh_from_db()
    assert vaxjo.active and ReportTemplate.objects.count() == 1
    out = io.StringIO()
    call_command("report", "templates", "--export", "default", "--municipality", "0880", stdout=out)
    assert out.getvalue() == SHIPPED


def test_the_page_lists_exports_uploads_and_deactivates(tree, staff, login):
    client = login(staff.quality_lead)
    response = client.post(
        reverse("reports:templates"), {"municipality": tree.vaxjo.pk, "file": upload_file(own())}
    )
    assert response.status_code == 302
    stored = ReportTemplate.objects.get()
    assert stored.uploaded_by == staff.quality_lead and stored.municipality == tree.vaxjo
    html = client.get(reverse("reports:templates")).content.decode()
    assert "Vår kvalitetsberättelse" in html and "Växjö" in html
    assert reverse("reports:template_shipped", args=["default"]) in html
    exported = client.get(reverse("reports:template_export", args=[stored.pk]))
    assert exported.content.decode("utf-8") == own()
    assert 'filename="default-v2.yaml"' in exported["Content-Disposition"]
    shipped = client.get(reverse("reports:template_shipped", args=["default"]))
    assert shipped.content.decode("utf-8") == SHIPPED

    assert client.post(reverse("reports:template_active", args=[stored.pk])).status_code == 302
    stored.refresh_from_db()
    assert not stored.active
    assert spec.load("default", tree.vaxjo)["version"] == 1
    again = client.post(reverse("reports:template_active", args=[stored.pk]), {"active": "1"})
    assert again.status_code == 302
    stored.refresh_from_db()
    assert stored.active


def test_texts_of_an_uploaded_template_are_sanitised_when_shown(tree, staff, login):
    rf.world(tree)
    source = (
        own()
        .replace(
            '"Så här gick {{ year }} i {{ municipality }}."',
            '"Hej <script>alert(1)</script> [länk](javascript:alert(2))"',
        )
        .replace("title: Inledning", 'title: "<img src=x onerror=alert(3)>"')
    )
    services.upload(actor=staff.quality_lead, municipality=tree.vaxjo, source=source)
    client = login(staff.quality_lead)
    response = client.post(
        reverse("reports:list"),
        {"unit": tree.aov.pk, "template": "default", "year": 2024, "language": "sv"},
    )
    html = client.get(response.url).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert 'href="javascript' not in html


def test_export_then_import_gives_the_same_template(tree, staff, kalmar_lead, tmp_path):
    source = own(7).replace("# Växjö's own", "#  a comment  \n# Växjö's own") + "\n\n"
    services.upload(actor=staff.quality_lead, municipality=tree.vaxjo, source=source)
    out = io.StringIO()
    call_command("report", "templates", "--export", "default", "--municipality", "0780", stdout=out)
    assert out.getvalue() == source
    path = tmp_path / "delad.yaml"
    path.write_text(out.getvalue(), encoding="utf-8")
    done = io.StringIO()
    call_command(
        "report",
        "templates",
        "--import",
        str(path),
        "--municipality",
        "0880",
        "--user",
        "quality_kalmar",
        stdout=done,
    )
    assert "default v7" in done.getvalue()
    kalmar = ReportTemplate.objects.get(municipality=tree.kalmar)
    vaxjo = ReportTemplate.objects.get(municipality=tree.vaxjo)
    assert kalmar.source == vaxjo.source == source and kalmar.content == vaxjo.content
    assert kalmar.uploaded_by == kalmar_lead
    again = io.StringIO()
    call_command(
        "report", "templates", "--export", "default", "--municipality", "0880", stdout=again
    )
    assert again.getvalue() == source
    listed = io.StringIO()
    call_command("report", "templates", "--municipality", "0880", stdout=listed)
    assert "default\tv7\tVår kvalitetsberättelse" in listed.getvalue()


def test_cli_import_refuses_bad_input_with_a_message(tree, staff, kalmar_lead, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(own().replace("kind: narrative", "kind: pie_chart"), encoding="utf-8")
    good = tmp_path / "good.yaml"
    good.write_text(own(), encoding="utf-8")
    cases = [
        (["--import", str(bad), "--municipality", "0780", "--user", "quality"], "pie_chart"),
        (["--import", str(good), "--municipality", "0780"], "--user"),
        (["--import", str(good), "--municipality", "9999", "--user", "quality"], "9999"),
        (["--import", str(good), "--municipality", "0780", "--user", "quality_kalmar"], "does not"),
        (
            [
                "--import",
                str(tmp_path / "none.yaml"),
                "--municipality",
                "0780",
                "--user",
                "quality",
            ],
            "Cannot read",
        ),
        (["--export", "nope"], "nope"),
    ]
    for args, message in cases:
        with pytest.raises(CommandError, match=message):
            call_command("report", "templates", *args, stdout=io.StringIO())
    assert not ReportTemplate.objects.exists()
    call_command(
        "report",
        "templates",
        "--import",
        str(good),
        "--municipality",
        "0780",
        "--user",
        "quality",
        stdout=io.StringIO(),
    )
    with pytest.raises(CommandError, match="already has version 2"):
        call_command(
            "report",
            "templates",
            "--import",
            str(good),
            "--municipality",
            "0780",
            "--user",
            "quality",
            stdout=io.StringIO(),
        )
    assert ReportTemplate.objects.count() == 1


@pytest.mark.parametrize("who", ["case_worker", "analyst", "unit_manager", "kalmar_admin", "admin"])
def test_others_get_404(tree, staff, login, who):
    stored = services.upload(actor=staff.quality_lead, municipality=tree.vaxjo, source=own())
    client = login(getattr(staff, who))
    for url in (
        reverse("reports:templates"),
        reverse("reports:template_shipped", args=["default"]),
        reverse("reports:template_export", args=[stored.pk]),
    ):
        assert client.get(url).status_code == 404
    posts = (
        client.post(reverse("reports:template_active", args=[stored.pk])),
        client.post(
            reverse("reports:templates"),
            {"municipality": tree.vaxjo.pk, "file": upload_file(own(3))},
        ),
    )
    assert [p.status_code for p in posts] == [404, 404]
    stored.refresh_from_db()
    assert stored.active and ReportTemplate.objects.count() == 1
