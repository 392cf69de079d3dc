"""Analysts and administrators never reach an individual through a follow-up page or endpoint,
and someone outside the unit gets the same 404 as for something that does not exist."""

from __future__ import annotations

import pytest

from tests.followup.audit_probes import PROBES


@pytest.mark.parametrize("name", sorted(k for k in PROBES if not k.startswith("POST ")))
def test_no_individual_for_analysts_admins_or_other_units(name, tree, staff, client):
    visit = PROBES[name](tree, staff)
    owner, url = visit.user, visit.url
    backend = "django.contrib.auth.backends.ModelBackend"
    client.force_login(owner, backend=backend)
    assert client.get(url).status_code == 200
    for outsider in (staff.analyst, staff.admin, staff.kalmar_case_worker, staff.kalmar_admin):
        client.force_login(outsider, backend=backend)
        response = client.get(url)
        if url.startswith("/api/") and url.endswith("s/"):  # a list: empty, not an error
            assert response.json()["results"] == [], (name, outsider.username)
        elif name == "followup:worklist" and outsider == staff.kalmar_case_worker:
            assert response.status_code == 200  # their own list, which is empty
            assert "<caption>0 uppföljningar</caption>" in response.content.decode()
        else:
            assert response.status_code == 404, (name, outsider.username)
