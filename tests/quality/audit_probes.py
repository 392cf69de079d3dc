"""Audit probes of the quality routes, one module per area (gathered by
tests/core/test_audit_completeness.py)."""

from __future__ import annotations

from tests.quality.lex_sarah_probes import EXTRA_PROBES as LEX_SARAH_EXTRA
from tests.quality.lex_sarah_probes import PROBES as LEX_SARAH

PROBES = {**LEX_SARAH}
EXTRA_PROBES = {**LEX_SARAH_EXTRA}
