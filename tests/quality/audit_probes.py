"""Every quality route that shows or writes personal data, for the audit completeness test:
each area keeps its probes in its own module; this gathers them."""

from __future__ import annotations

from tests.quality import deviation_probes

PROBES = {**deviation_probes.PROBES}
EXTRA_PROBES = {**deviation_probes.EXTRA_PROBES}
