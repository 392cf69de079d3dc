"""The analysis API: the same numbers as the CLI and the independent computation, the same
suppression, the same rules for individual-level exports."""

from __future__ import annotations

import io
import json
import zipfile

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.urls import reverse

from insyn.analytics.models import SavedAnalysis
from insyn.core.models import AccessEntry
from insyn.organisations.models import OrgUnit
from tests.analytics import expected
from tests.analytics.factories import populate


def api(client, name, query=""):
    return client.get(reverse(name) + (f"?{query}" if query else ""))


def test_programmes_lists_stages_and_variables(generated, staff, login):
    response = api(login(staff.analyst), "analysis-programmes")
    assert response.status_code == 200
    (programme,) = response.json()
    assert programme["key"] == "vux"
    assert [s["key"] for s in programme["stages"]] == ["before", "after", "later"]
    days = next(v for v in programme["variables"] if v["key"] == "days")
    assert days["type"] == "integer" and days["is_main_measure"] is True
    audit = next(v for v in programme["variables"] if v["key"] == "audit")
    assert audit["bands"] == ["low", "high"]


def test_aggregate_agrees_with_the_cli_and_pandas(generated, staff, login, tree):
    client = login(staff.quality_lead)  # Växjö's administration: Växjö's units only
    query = "programme=vux&variable=days&compare=before:after&by=sex"
    doc = api(client, "analysis-aggregate", query).json()
    assert doc["columns"][:2] == ["sex", "n"] and doc["columns"][-1] == "suppressed"
    df = expected.frame("vux")
    units = set(OrgUnit.objects.filter(path__startswith=tree.aov.path).values_list("pk", flat=True))
    scoped = df[df["unit_id"].isin(units)]
    p = expected.paired(scoped["days__before"], scoped["days__after"])
    total = next(r for r in doc["rows"] if r["sex"] == "(all)")
    assert total["n"] == len(scoped)
    assert total["pairs"] == p["pairs"]
    assert total["mean_change"] == pytest.approx(p["mean_change"])
    assert total["wilcoxon_p"] == pytest.approx(p["wilcoxon_p"])
    assert total["change_ci_high"] == pytest.approx(p["change_ci_high"])
    out = io.StringIO()
    call_command(
        "analyze",
        "--programme",
        "vux",
        "--variable",
        "days",
        "--compare",
        "before:after",
        "--by",
        "sex",
        "--unit",
        "0780",
        "--format",
        "json",
        stdout=out,
    )
    cli = json.loads(out.getvalue())["rows"]
    # Floats to 12 significant digits: DuckDB sums in parallel, so the last bit of a sum of
    # doubles may differ between two runs of the same query.
    diff = [
        (i, k, a[k], b[k])
        for i, (a, b) in enumerate(zip(cli, doc["rows"], strict=True))
        for k in a
        if (a[k] != pytest.approx(b[k], rel=1e-12) if isinstance(a[k], float) else a[k] != b[k])
    ]
    assert diff == []


def test_aggregate_is_suppressed_for_the_analyst(tree, design, staff, login):
    populate(tree, design, n=40, seed=4, units=[tree.vux_unit])
    populate(tree, design, n=2, seed=5, units=[tree.bof_unit])
    doc = api(
        login(staff.analyst), "analysis-aggregate", "programme=vux&variable=days&by=unit"
    ).json()
    bof = next(r for r in doc["rows"] if r["unit"] == "0780/BOF-UTR")
    assert bof["suppressed"] is True and bof["n"] is None and bof["mean"] is None
    hidden = [r for r in doc["rows"] if r["suppressed"]]
    assert len(hidden) >= 2  # complementary: the small unit cannot be subtracted out


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("programme=vux", "variabel"),
        ("programme=vux&variable=days&compare=before", "FÖRE:EFTER"),
        ("programme=vux&variable=days&by=height", "height"),
        ("programme=vux&variable=days&from=yesterday", "ÅÅÅÅ-MM-DD"),
    ],
)
def test_bad_parameters_answer_400(design, staff, login, query, message):
    response = api(login(staff.quality_lead), "analysis-aggregate", query)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_saved_analyses_crud(generated, staff, login):
    client = login(staff.quality_lead)
    response = client.post(
        reverse("analysis-saved-list"),
        {"name": "API", "params": {"programme": "vux", "variable": ["days"], "by": "sex"}},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert [s["name"] for s in api(client, "analysis-saved-list").json()["results"]] == ["API"]
    bad = client.post(
        reverse("analysis-saved-list"),
        {"name": "Fel", "params": {"programme": "vux", "variable": ["nope"]}},
        content_type="application/json",
    )
    assert bad.status_code == 400
    other = login(staff.kalmar_case_worker)
    assert other.get(reverse("analysis-saved-detail", args=[pk])).status_code == 404
    assert other.delete(reverse("analysis-saved-detail", args=[pk])).status_code == 404
    client = login(staff.quality_lead)
    assert client.delete(reverse("analysis-saved-detail", args=[pk])).status_code == 204
    assert not SavedAnalysis.objects.exists()


def test_frame_export_api(generated, staff, login, tree):
    client = login(staff.unit_manager)  # VUX department
    response = api(client, "analysis-frame-export", "programme=vux&file_format=parquet&key=k")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    table = pq.read_table(io.BytesIO(archive.read("vux-frame.parquet")))
    df = expected.frame("vux")
    assert table.num_rows == int((df["unit_id"] == tree.vux_unit.pk).sum())
    assert set(table.column("unit").to_pylist()) == {"0780/VUX-OPV"}
    entry = AccessEntry.objects.filter(object_type="followup.enrollment").latest("id")
    assert entry.action == "export" and entry.actor == staff.unit_manager
    assert entry.org_paths == f"|{tree.vux_unit.path}|"
    assert entry.detail["persons"] == len(set(table.column("person_pid").to_pylist()))
    for user in (staff.analyst, staff.case_worker, staff.admin):
        denied = api(login(user), "analysis-frame-export", "programme=vux&file_format=csv")
        assert denied.status_code == 404
    assert (
        api(login(staff.unit_manager), "analysis-frame-export", "programme=nope").status_code == 404
    )


def test_api_token_is_refused_for_anonymous(client):
    assert client.get(reverse("analysis-aggregate")).status_code in (401, 403)
