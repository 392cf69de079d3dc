"""Risk analysis: the register, the 4×4 matrix, assessments, analyses of planned changes."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []


def register() -> None:
    """Navigation (placement="quality"), digest sections and dashboard panels of this area."""
