"""Audit probes of quality management, gathered from each area's module (one line per area)."""

from __future__ import annotations

from tests.quality import audit_probes_action_plans

PROBES = {**audit_probes_action_plans.PROBES}
EXTRA_PROBES = {**audit_probes_action_plans.EXTRA_PROBES}
