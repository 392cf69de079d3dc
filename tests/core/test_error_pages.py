"""Error pages speak the product's language and say nothing about the code (no URL list, no
view names, no settings), in Swedish first and in English."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

CODE_WORDS = ("URLconf", "Traceback", "insyn.urls", "Django", "Reason given", "DEBUG")


def _clean(html: str) -> None:
    for word in CODE_WORDS:
        assert word not in html, word


@pytest.mark.django_db
def test_404_in_swedish_and_in_the_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Sidan finns inte" in html
    assert 'class="site-header"' in html
    _clean(html)


@pytest.mark.django_db
def test_404_in_english(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_400_for_a_bad_host(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Förfrågan kunde inte användas" in html
    _clean(html)


@pytest.mark.django_db
def test_csrf_failure_page(staff, password):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/accounts/login/", {"username": "cw", "password": password})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Formuläret har gått ut" in html
    _clean(html)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.core.error_urls")
def test_500_page_says_nothing_about_the_code():
    browser = Client(raise_request_exception=False)
    response = browser.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Något gick fel" in html
    _clean(html)
    assert "a bug" not in html and "RuntimeError" not in html


@pytest.mark.django_db
def test_two_404s_are_byte_for_byte_the_same(login, staff):
    """Nothing per request (no CSRF token) on the 404 page: a hidden object's 404 cannot be told
    from a missing one's by comparing the pages."""
    browser = login(staff.case_worker)
    first = browser.get("/clients/999998/")
    second = browser.get("/clients/999999/")
    assert first.status_code == second.status_code == 404
    assert first.content == second.content


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.core.error_urls")
def test_403_page_in_the_layout_says_nothing_about_the_reason():
    response = Client().get("/forbidden/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Inte tillåtet" in html
    assert 'class="site-header"' in html
    _clean(html)
    assert "insyn.secret" not in html


@pytest.mark.django_db
def test_404_for_a_signed_in_user_lists_no_url_patterns(login, staff):
    """What the demo server shows someone who mistypes an address: the product's page, not
    Django's debug 404 with every URL pattern and view class."""
    response = login(staff.case_worker).get("/clients/no-such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Sidan finns inte" in html
    for leak in ("clients/<int:pk>/", "ClientDetailView", "Using the URLconf", "urlpatterns"):
        assert leak not in html


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.core.error_urls")
@pytest.mark.parametrize(
    ("path", "status"), [("/api/boom/", 500), ("/api/forbidden/", 403), ("/api/nowhere", 404)]
)
def test_api_errors_stay_json(path, status):
    """An API client gets the API's JSON error shape for failures outside DRF views too."""
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}
    assert "a bug" not in response.content.decode()


@pytest.mark.django_db
def test_api_bad_host_is_json_and_the_web_one_a_page(client):
    api = client.get("/api/clients/", HTTP_HOST="evil.example")
    assert api.status_code == 400
    assert api.json() == {"detail": "Bad request."}
    web = client.get("/clients/", HTTP_HOST="evil.example")
    assert web.status_code == 400
    assert "text/html" in web["Content-Type"]
