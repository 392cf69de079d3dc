"""`insyn indicators list | show` and the read-only indicators API: CSV that Swedish Excel
splits (semicolons, decimal comma, source and period on every row), JSON, the schema, and
clear errors (non-zero exit, 404, 400) for an unknown indicator, municipality or a group
of another year."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from insyn.accounts.models import User
from insyn.indicators.models import PROVENANCE_KOLADA, PROVENANCE_SYNTHETIC, IndicatorValue
from tests.indicators import compare_factories as f
from tests.indicators.test_compare_selector import SHARES, build_shares

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def test_list_prints_key_title_source_a_line_each() -> None:
    f.indicator("U31462", title="Ej återaktualiserade vuxna")
    f.indicator("utredningstid_median", title="Utredningstid, median", source="computed")
    f.indicator("U99", title="Not in the catalogue", in_catalogue=False)
    lines = run("list").splitlines()
    assert "U31462\tEj återaktualiserade vuxna\tkolada:U31462" in lines
    assert "utredningstid_median\tUtredningstid, median\tcomputed" in lines
    assert not any(line.startswith("U99") for line in lines)
    assert any(line.startswith("U99") for line in run("list", "--all").splitlines())


def test_show_csv_parses_with_semicolons_and_carries_source_and_period() -> None:
    build_shares()
    text = run("show", "U31462", "--municipality", "0780", "--compare", "similar", "--year", "2024")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    areas = [r for r in rows if r["Område"] in SHARES]
    assert len(areas) == 8
    vaxjo = next(r for r in rows if r["Område"] == "0780")
    assert vaxjo["Värde"] == "80" and vaxjo["Nämnare"] == "200" and vaxjo["Egen kommun"] == "ja"
    assert vaxjo["Källa"] == PROVENANCE_SYNTHETIC
    huddinge = next(r for r in rows if r["Område"] == "0126")
    assert huddinge["Värde"] == "75,8"  # decimal comma
    assert {r["Period"] for r in rows} == {"2024"}
    assert all(r["Källa"] for r in rows)
    assert all("Källa: Kolada" not in r["Källa"] for r in rows)  # synthetic only
    reference = next(r for r in rows if r["Namn"] == "Sammanvägd andel för gruppen")
    assert reference["Källa"].startswith("Egen bearbetning")


def test_show_json_and_latest_year_by_default() -> None:
    build_shares()
    f.value(f.indicator(), "0000", 2024, 77.0, source=IndicatorValue.Source.KOLADA)
    doc = json.loads(run("show", "U31462", "--municipality", "0780", "--format", "json"))
    assert doc["year"] == 2024 and doc["period"] == "2024" and doc["sex"] == "T"
    assert doc["subject"]["area"] == "0780" and doc["subject"]["value"] == 80.0
    assert doc["riket"] == {"value": 77.0, "provenance": PROVENANCE_KOLADA}
    assert doc["funnel"]["p0"] == pytest.approx(doc["reference"]["value"])
    assert PROVENANCE_SYNTHETIC in doc["provenance"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["U00000", "--municipality", "0780"], "Okänd indikator"),
        (["U31462", "--municipality", "9999"], "Okänd kommun"),
        (["U31462", "--municipality", "0780", "--year", "2023"], "2024"),
        (["U31462", "--municipality", "0780", "--compare", "group:nope"], "nope"),
        (["U31462", "--municipality", "0780", "--user", "nobody"], "nobody"),
    ],
)
def test_show_errors_are_clear(args: list[str], message: str) -> None:
    build_shares()
    with pytest.raises(CommandError, match=message):
        run("show", *args)


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_catalogue_and_comparison(staff: Any) -> None:
    build_shares()
    client = api(staff.analyst)
    listing = client.get("/api/indicators/")
    assert listing.status_code == 200
    assert [r["key"] for r in listing.json()["results"]] == ["U31462"]
    one = client.get("/api/indicators/U31462/").json()
    assert one["direction"] == "higher" and one["unit"] == "percent"
    answer = client.get(
        "/api/indicators/U31462/comparison/",
        {"municipality": "0780", "against": "similar", "year": "2024", "sex": "T"},
    )
    assert answer.status_code == 200
    doc = answer.json()
    assert doc["group"]["year"] == 2024 and len(doc["members"]) == 8
    assert all(m["provenance"] == PROVENANCE_SYNTHETIC for m in doc["members"])


@pytest.mark.parametrize(
    ("url", "params", "code"),
    [
        ("/api/indicators/U00000/", {}, 404),
        ("/api/indicators/U00000/comparison/", {"municipality": "0780"}, 404),
        ("/api/indicators/U31462/comparison/", {"municipality": "9999"}, 404),
        ("/api/indicators/U31462/comparison/", {}, 400),
        ("/api/indicators/U31462/comparison/", {"municipality": "0780", "year": "2023"}, 400),
        ("/api/indicators/U31462/comparison/", {"municipality": "0780", "year": "²⁰²⁴"}, 400),
        ("/api/indicators/U31462/comparison/", {"municipality": "0780", "sex": "X"}, 400),
        ("/api/indicators/U31462/comparison/", {"municipality": "0780", "against": "x"}, 400),
    ],
)
def test_api_errors(staff: Any, url: str, params: dict[str, str], code: int) -> None:
    build_shares()
    answer = api(staff.analyst).get(url, params)
    assert answer.status_code == code
    assert "detail" in answer.json()


def test_api_group_of_another_year_names_the_years(staff: Any) -> None:
    build_shares()
    answer = api(staff.analyst).get(
        "/api/indicators/U31462/comparison/", {"municipality": "0780", "year": "2023"}
    )
    assert "2024" in answer.json()["detail"]


def test_api_needs_authentication() -> None:
    assert APIClient().get("/api/indicators/").status_code in (401, 403)


def test_schema_documents_the_endpoints(staff: Any) -> None:
    schema = api(staff.analyst).get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = json.loads(schema.content)["paths"]
    assert "/api/indicators/" in paths
    comparison = paths["/api/indicators/{key}/comparison/"]["get"]
    names = {p["name"] for p in comparison["parameters"]}
    assert {"municipality", "against", "year", "sex", "key"} <= names
    assert {"200", "400", "404"} <= set(comparison["responses"])
