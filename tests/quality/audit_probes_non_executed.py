"""Audit probes of this area's personal-data routes (gathered by tests/quality/audit_probes.py):
`PROBES = {url name or "POST <url name>": probe}`; see tests/audit_probe.py."""

from __future__ import annotations

from tests.audit_probe import Probe

PROBES: dict[str, Probe] = {}
