"""Non-executed decisions: the IVO list, individual reports, the quarterly summary."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []


def register() -> None:
    """Navigation (placement="quality"), digest sections and dashboard panels of this area."""
