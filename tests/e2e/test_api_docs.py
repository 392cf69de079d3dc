"""The API documentation renders from self-hosted assets under the strict CSP."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from tests.e2e.conftest import log_in


def test_swagger_ui_renders_without_csp_violations(page, transactional_db):
    call_command("demo", "--only", "organisations", stdout=StringIO())
    log_in(page, "admin", "insyn-demo-2026")
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title", timeout=20000)
    assert "insyn API" in page.inner_text(".swagger-ui .info .title")
    assert page.csp_errors == []
    origin = page.url.split("/api/")[0]
    assert all(url.startswith((origin, "data:")) for url in requests), "nothing from a CDN"
