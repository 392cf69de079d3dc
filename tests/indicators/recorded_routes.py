"""Routes from the URLs the v3 client builds to the recorded pages in recorded/."""

from __future__ import annotations

from pathlib import Path

from insyn.indicators.kolada.client import KoladaClient
from insyn.indicators.kolada.transport import FileTransport

RECORDED = Path(__file__).parent / "recorded"
BASE = "https://api.kolada.se/v3/"
DATA = BASE + "data/kpi/U31462,U31402/municipality/0780,0880/year/2024,2025?per_page=5000"

ROUTES: dict[str, object] = {
    BASE + "municipality?per_page=5000": "municipality.json",
    BASE + "kpi/U31462,U31402?per_page=5000": "kpi.json",
    DATA: "data_page1.json",
    DATA + "&page=2": "data_page2.json",
    DATA + "&page=3": "data_page3.json",
}


def recorded_client(extra: dict[str, object] | None = None) -> tuple[KoladaClient, FileTransport]:
    transport = FileTransport(RECORDED, {**ROUTES, **(extra or {})})
    return KoladaClient(transport), transport
