"""Audit probes of the quality routes, one module per area (gathered by
tests/core/test_audit_completeness.py)."""

from __future__ import annotations

from tests.audit_probe import Probe
from tests.quality import (
    audit_probes_action_plans,
    audit_probes_complaints,
    audit_probes_control,
    audit_probes_cycle,
    audit_probes_dashboard,
    audit_probes_non_executed,
    audit_probes_risks,
    deviation_probes,
    lex_sarah_probes,
)

_AREAS = (
    deviation_probes,
    lex_sarah_probes,
    audit_probes_complaints,
    audit_probes_action_plans,
    audit_probes_dashboard,
    audit_probes_non_executed,
    audit_probes_control,
    audit_probes_risks,
    audit_probes_cycle,
)
PROBES: dict[str, Probe] = {}
EXTRA_PROBES: dict[str, Probe] = {}
for _area in _AREAS:
    PROBES.update(_area.PROBES)
    EXTRA_PROBES.update(getattr(_area, "EXTRA_PROBES", {}))
