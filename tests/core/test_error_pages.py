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
