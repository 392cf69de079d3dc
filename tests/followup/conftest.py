from __future__ import annotations

import pytest
from django.conf import settings


@pytest.fixture
def english_pages(client, english):
    """Pages in English too (the language cookie), for tests that read messages; the Swedish
    catalogue has its own test."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
