"""The Analys page, charts, downloads, favourites, the unit overview and the research export:
what each role can reach, and that everything shown is suppressed."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from insyn.analytics.models import SavedAnalysis
from insyn.clients.models import Provider
from insyn.core.models import AccessEntry
from tests.analytics import expected
from tests.analytics.factories import populate
from tests.factories import user_with_role

QUERY = "programme=vux&variable=days&mode=stage&stage=before&by1=sex"
TWO = "programme=vux&variable=days&variable=audit&mode=stage&stage=before&by1=sex&by2=unit"


def page(client, query=QUERY):
    return client.get(f"{reverse('analytics:index')}?{query}")


def test_menu_and_page_for_a_quality_lead(generated, staff, login):
    client = login(staff.quality_lead)
    home = client.get("/")
    assert 'href="/analysis/query/"' in home.content.decode()
    response = page(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption>" in html and 'scope="col"' in html
    assert "analysis/chart.svg?" in html
    assert "inte effekten av insatsen" in html  # the caveat, in Swedish
    assert "Dagar med problem" in html


def test_chart_is_an_svg_image(generated, staff, login):
    client = login(staff.quality_lead)
    response = client.get(f"{reverse('analytics:chart')}?{QUERY}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    assert b"<script" not in response.content
    compare = "programme=vux&variable=audit&mode=compare&before=before&after=after&by1=sex"
    assert client.get(f"{reverse('analytics:chart')}?{compare}").status_code == 200
    options = "programme=vux&variable=housing&mode=stage&stage=after&by1=municipality&by2=sex"
    assert client.get(f"{reverse('analytics:chart')}?{options}").status_code == 200


def test_bad_question_gets_messages_not_errors(generated, staff, login):
    client = login(staff.quality_lead)
    response = page(client, "programme=vux&variable=days&mode=compare&before=after&after=after")
    assert response.status_code == 200
    assert "Välj två olika mättillfällen" in response.content.decode()
    response = page(client, "programme=vux&variable=housing&mode=compare&before=before&after=after")
    assert 'role="alert"' in response.content.decode()
    assert (
        client.get(f"{reverse('analytics:chart')}?programme=vux&variable=nope").status_code == 404
    )


def test_small_groups_are_hidden_on_the_page_and_in_files(tree, design, staff, login):
    populate(tree, design, n=60, seed=2, units=[tree.vux_unit])
    populate(tree, design, n=3, seed=3, units=[tree.bof_unit])
    Provider.objects.filter(code="own").update(code="=cmd", name="=SUM(A1)")
    client = login(staff.quality_lead)
    response = page(client, "programme=vux&variable=days&mode=stage&stage=before&by1=unit")
    html = response.content.decode()
    assert "Dolt: färre än 5 personer" in html
    csv_text = client.get(
        f"{reverse('analytics:export')}?programme=vux&variable=days&mode=stage&stage=before"
        "&by1=unit&by2=provider&format=csv"
    ).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    bof = [r for r in rows if r["unit"] == "0780/BOF-UTR" and r["provider"] == "(all)"]
    assert bof and all(r["suppressed"] == "true" and r["n"] == "" for r in bof)
    assert any(r["provider"] == "'=cmd" for r in rows)  # formula-safe
    assert not any(r["provider"] == "=cmd" for r in rows)
    response = client.get(
        f"{reverse('analytics:export')}?programme=vux&variable=days&mode=stage&stage=before"
        "&by1=provider&format=xlsx"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=SUM(A1)" in names and "=SUM(A1)" not in names  # people's files carry names


def test_analyst_gets_pooled_aggregates_but_no_individual(generated, staff, login, tree):
    client = login(staff.analyst)
    response = page(client, "programme=vux&variable=days&mode=stage&stage=before&by1=municipality")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Växjö" in html and "Kalmar" not in html  # Kronoberg pools its municipalities only
    assert "Export för forskning" not in html
    for url in (
        reverse("analytics:frame_export"),
        reverse("analytics:frame_download") + "?programme=vux&format=csv",
        reverse("analysis-frame-export") + "?programme=vux&file_format=csv",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("analytics:dashboard")).status_code == 200
    assert (
        client.get(reverse("analysis-aggregate") + "?programme=vux&variable=days").status_code
        == 200
    )


def test_roles_without_aggregates_get_404(generated, staff, login):
    client = login(staff.admin)
    for url in (
        reverse("analytics:index"),
        reverse("analytics:chart") + f"?{QUERY}",
        reverse("analytics:dashboard"),
        reverse("analysis-aggregate") + "?programme=vux&variable=days",
        reverse("analysis-programmes"),
    ):
        assert client.get(url).status_code == 404, url


def test_favourites_are_saved_and_shared_within_the_organisation(generated, staff, login, tree):
    client = login(staff.quality_lead)
    response = client.post(
        reverse("analytics:saved_create"),
        {"name": "Dagar per kön", "shared": "on", "query": QUERY},
    )
    assert response.status_code == 302
    saved = SavedAnalysis.objects.get()
    assert saved.params["variable"] == ["days"]
    assert saved.params["by"] == "sex" and saved.params["stage"] == "before"
    assert saved.shared
    colleague = user_with_role("case_worker", tree.vux_unit, username="colleague")
    other = login(colleague)
    listing = page(other, "programme=vux")
    assert "Dagar per kön" in listing.content.decode()
    opened = other.get(reverse("analytics:saved_open", args=[saved.pk]))
    assert opened.status_code == 302 and "variable=days" in opened["Location"]
    assert other.post(reverse("analytics:saved_delete", args=[saved.pk])).status_code == 404
    kalmar = login(staff.kalmar_case_worker)
    assert kalmar.get(reverse("analytics:saved_open", args=[saved.pk])).status_code == 404
    client = login(staff.quality_lead)
    assert client.post(reverse("analytics:saved_delete", args=[saved.pk])).status_code == 302
    assert not SavedAnalysis.objects.exists()


def test_a_favourite_keeps_every_choice(generated, staff, login):
    client = login(staff.quality_lead)
    client.post(reverse("analytics:saved_create"), {"name": "Två", "query": TWO})
    saved = SavedAnalysis.objects.get()
    assert saved.params["variable"] == ["days", "audit"] and saved.params["by"] == "sex,unit"
    opened = client.get(reverse("analytics:saved_open", args=[saved.pk]))
    follow = client.get(opened["Location"])
    assert follow.status_code == 200
    assert follow.content.decode().count('class="card result"') == 2


def test_saving_a_bad_question_changes_nothing(generated, staff, login):
    client = login(staff.quality_lead)
    client.post(reverse("analytics:saved_create"), {"name": "", "query": QUERY})
    client.post(reverse("analytics:saved_create"), {"name": "x", "query": "programme=vux"})
    assert not SavedAnalysis.objects.exists()


def test_unit_overview_and_start_page_panel(generated, staff, login, tree):
    client = login(staff.unit_manager)
    response = client.get(
        reverse("analytics:dashboard") + f"?programme=vux&unit={tree.vux_unit.pk}"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enhetsöversikt" in html and "Måluppfyllelse" in html
    assert "Dagar med problem" in html  # a main measure, before and after
    chart = client.get(reverse("analytics:dashboard_chart") + "?programme=vux")
    assert chart.status_code == 200 and chart.content.startswith(b"<svg")
    home = client.get("/").content.decode()
    assert "Uppföljningsresultat" in home
    assert (
        client.get(reverse("analytics:dashboard") + f"?unit={tree.kalmar_unit.pk}").status_code
        == 404
    )


def test_research_export_on_the_web_is_scoped_and_logged(generated, staff, login, tree):
    client = login(staff.quality_lead)  # Växjö's administration: no Kalmar rows
    assert client.get(reverse("analytics:frame_export")).status_code == 200
    last = AccessEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.get(
        reverse("analytics:frame_download") + "?programme=vux&format=csv&key=k1&purpose=studie"
    )
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == ["README.txt", "codebook.csv", "vux-frame.csv"]
    rows = list(csv.DictReader(io.StringIO(archive.read("vux-frame.csv").decode("utf-8-sig"))))
    df = expected.frame("vux")
    assert len(rows) == int((df["municipality_id"] == tree.vaxjo.pk).sum())
    assert {r["municipality"] for r in rows} == {"0780"}
    new = AccessEntry.objects.filter(pk__gt=last)
    summary = new.get(object_type="followup.enrollment")
    assert summary.action == "export" and summary.actor == staff.quality_lead
    assert summary.purpose == "studie"
    # the entry names what left: programme, scope, persons, and a manifest entry per person
    assert summary.detail["programme"] == "vux" and summary.detail["rows"] == len(rows)
    assert summary.detail["scope"] == [tree.aov.path]
    manifest = new.filter(object_type="clients.client")
    assert summary.detail["persons"] == manifest.count() == len({r["person_pid"] for r in rows})
    assert {e.detail["person_pid"] for e in manifest} == {r["person_pid"] for r in rows}
    assert {e.detail["export_id"] for e in manifest} == {summary.detail["export_id"]}
    assert all(e.client_id and e.org_paths for e in manifest)
    xlsx = client.get(reverse("analytics:frame_download") + "?programme=vux&format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)), read_only=True)
    assert book.sheetnames == ["frame", "codebook"]
    parquet = client.get(reverse("analytics:frame_download") + "?programme=vux&format=parquet")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(parquet.streaming_content)))
    assert "vux-frame.parquet" in archive.namelist()


@pytest.mark.parametrize("role", ["case_worker", "analyst"])
def test_research_export_needs_export_rights(generated, staff, login, role):
    client = login(getattr(staff, role))
    response = client.get(reverse("analytics:frame_download") + "?programme=vux&format=csv")
    assert response.status_code == 404


def test_no_personal_route_of_the_app_answers_an_analyst(generated, staff, login):
    """Walk every analytics route and API endpoint: those serving individuals are 404."""
    from django.urls import get_resolver

    from tests.routes import view_class, walk

    client = login(staff.analyst)
    personal = [
        (route, name)
        for route, name, cb in walk(get_resolver())
        if getattr(view_class(cb), "personal_data", False)
        and (name.startswith("analytics:") or name.startswith("analysis-"))
    ]
    assert {name for _r, name in personal} == {"analytics:frame_download", "analysis-frame-export"}
    for _route, name in personal:
        url = reverse(name) + "?programme=vux&format=csv&file_format=csv"
        assert client.get(url).status_code == 404, name


def test_before_and_after_default_to_the_programmes_stages(tree, staff):
    """Choosing 'before and after' without picking stages uses the obvious pair."""
    from insyn.analytics.forms import AnalysisForm
    from insyn.analytics.specs import load_spec
    from insyn.core.catalogue_loader import load_catalogues
    from tests.followup.factories import programme

    load_catalogues()
    programme(tree.vaxjo)
    spec = load_spec("missbruk")
    form = AnalysisForm(
        {
            "programme": "missbruk",
            "variable": ["audit"],
            "mode": "compare",
            "age_groups": "0-17,18-",
        },
        user=staff.quality_lead,
        spec=spec,
    )
    assert form.is_valid(), form.errors
    assert form.params("audit")["compare"] == "before:after"
    same = AnalysisForm(
        {
            "programme": "missbruk",
            "variable": ["audit"],
            "mode": "compare",
            "before": "after",
            "after": "after",
        },
        user=staff.quality_lead,
        spec=spec,
    )
    assert not same.is_valid() and "after" in same.errors
