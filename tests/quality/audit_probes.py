"""Audit probes of the quality app: each area keeps its own in audit_probes_<area>.py."""

from __future__ import annotations

from tests.audit_probe import Probe
from tests.quality import audit_probes_complaints

PROBES: dict[str, Probe] = {}
EXTRA_PROBES: dict[str, Probe] = {}
PROBES.update(audit_probes_complaints.PROBES)
EXTRA_PROBES.update(audit_probes_complaints.EXTRA_PROBES)
