"""Computed key figures of one area; each computation calls `register` at import."""

from __future__ import annotations
