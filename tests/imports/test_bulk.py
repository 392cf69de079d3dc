"""Imports written in bulk: the number of queries does not grow with the rows, the audit trail
and the analysis data version come out as one by one, and a process killed in the middle of an
import leaves nothing of it behind."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insyn.analytics import cache as data_version
from insyn.analytics.models import DataVersion
from insyn.clients.models import Case, Client
from insyn.core.models import ChangeEntry
from insyn.core.roles import Action, Role
from insyn.followup.models import Enrollment
from tests.factories import user_with_role
from tests.imports.helpers import import_folder

ROOT = Path(__file__).resolve().parents[2]


def personnummer(n: int) -> str:
    """A valid personnummer, distinct for each n below 900 * 365 * 50."""
    day = dt.date(1950, 1, 1) + dt.timedelta(days=n // 900)
    digits = f"{day:%y%m%d}{100 + n % 900:03d}"
    total = 0
    for i, ch in enumerate(digits):
        d = int(ch) * (2 - i % 2)
        total += d - 9 if d > 9 else d
    return f"{day:%Y%m%d}-{digits[6:]}{(10 - total % 10) % 10}"


def write_files(folder: Path, rows: int, *, start: int = 0, unit: str = "VUX-OPV") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    clients = ["client_ref,personnummer,birth_date,sex"]
    cases = ["case_ref,client_ref,unit_code,opened_on,source,reason,closed_on"]
    for n in range(start, start + rows):
        clients.append(f"K{n:06d},{personnummer(n)},,")
        cases.append(f"A{n:06d},K{n:06d},{unit},2024-0{1 + n % 9}-01,application,alcohol,")
    (folder / "clients.csv").write_text("\n".join(clients) + "\n", encoding="utf-8")
    (folder / "cases.csv").write_text("\n".join(cases) + "\n", encoding="utf-8")
    return folder


def _queries(folder: Path, municipality, actor=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        report = import_folder(folder, municipality, actor=actor)
    assert report.applied, report.issues
    return len(queries)


@pytest.mark.parametrize("as_user", [False, True])
def test_queries_do_not_grow_with_the_rows(tmp_path, tree, catalogues, as_user):
    actor = user_with_role(Role.UNIT_MANAGER, tree.aov, username="head") if as_user else None
    few = _queries(write_files(tmp_path / "few", 50), tree.vaxjo, actor)
    many = _queries(write_files(tmp_path / "many", 500, start=1000), tree.vaxjo, actor)
    assert Client.objects.filter(municipality=tree.vaxjo).count() == 550
    assert Case.objects.filter(municipality=tree.vaxjo).count() == 550
    # One by one this was about a dozen queries per row (over 10,000 for 500 rows); now a few
    # per table and chunk (SQLite inserts at most 999 parameters per statement, so a little
    # more there).
    assert few < 80
    assert many < few + 40


def test_bulk_rows_are_audited_like_single_ones(tmp_path, tree, catalogues):
    head = user_with_role(Role.UNIT_MANAGER, tree.aov, username="head")
    import_folder(write_files(tmp_path / "f", 3), tree.vaxjo, actor=head)
    client = Client.objects.get(client_ref="K000001")
    case = Case.objects.get(case_ref="A000001")
    entry = ChangeEntry.objects.get(object_type="clients.client", object_id=str(client.pk))
    assert (entry.action, entry.actor, entry.client_id) == ("create", head, client.pk)
    assert entry.org_path == tree.vux_unit.path  # registered by the unit of its first case
    assert entry.after["client_ref"] == "K000001"
    assert "person_key" not in entry.after and "personnummer_encrypted" not in entry.after
    entry = ChangeEntry.objects.get(object_type="clients.case", object_id=str(case.pk))
    assert (entry.action, entry.client_id, entry.org_path) == ("create", client.pk, case.unit.path)
    assert entry.org_paths == f"|{tree.vux_unit.path}|"
    assert entry.after["case_ref"] == "A000001"
    # the unit's auditors see both entries; another municipality's do not
    auditor = user_with_role(Role.QUALITY_LEAD, tree.vux, username="auditor")
    other = user_with_role(Role.QUALITY_LEAD, tree.kalmar, username="other")
    mine = {"clients.client", "clients.case"}
    seen = set(ChangeEntry.objects.restrict(auditor, Action.VIEW_AUDIT).values_list("object_type"))
    assert mine <= {t for (t,) in seen}
    assert (
        not ChangeEntry.objects.restrict(other, Action.VIEW_AUDIT)
        .filter(object_type__in=mine)
        .exists()
    )


def test_reactualisation_is_computed_for_cases_opened_together(tmp_path, tree, catalogues):
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "clients.csv").write_text(
        "client_ref,personnummer,birth_date,sex\nK1,19850315-2467,,\n", encoding="utf-8"
    )
    (folder / "cases.csv").write_text(
        "case_ref,client_ref,unit_code,opened_on,source,reason,closed_on\n"
        "A2,K1,VUX-OPV,2024-09-01,application,alcohol,\n"
        "A1,K1,VUX-OPV,2024-01-10,application,alcohol,2024-06-30\n",
        encoding="utf-8",
    )
    report = import_folder(folder, tree.vaxjo)
    assert report.applied, report.issues
    flags = dict(Case.objects.values_list("case_ref", "reactualisation"))
    assert flags == {"A1": False, "A2": True}


def test_data_version_bumped_once_per_programme_and_municipality(
    tmp_path, tree, catalogues, addiction_programme, examples, monkeypatch
):
    """A client with an enrolment: every audited write about it would bump its programme's
    version; the import bumps it once (counters step by a random amount; here by one, so the
    bumps can be counted)."""
    monkeypatch.setattr(data_version, "_STEP", 1)
    report = import_folder(examples, tree.vaxjo)
    assert report.applied, report.issues
    assert Enrollment.objects.exists()
    before = DataVersion.objects.get(programme_key="missbruk", municipality_id=tree.vaxjo.pk)
    changed = tmp_path / "again"
    changed.mkdir()
    for path in examples.iterdir():
        if path.is_file():
            (changed / path.name).write_bytes(path.read_bytes())
    text = (changed / "cases.csv").read_text(encoding="utf-8").splitlines()
    first = Client.objects.get(client_ref="KL-1001")
    writes, cases = ChangeEntry.objects.count(), Case.objects.filter(client=first).count()
    (changed / "cases.csv").write_text(
        "\n".join([*text, "AR-9999,KL-1001,VUX-OPV,2025-01-02,application,alcohol,"]) + "\n",
        encoding="utf-8",
    )
    report = import_folder(changed, tree.vaxjo)
    assert report.applied, report.issues
    assert ChangeEntry.objects.count() > writes
    assert Case.objects.filter(client=first).count() == cases + 1
    after = DataVersion.objects.get(programme_key="missbruk", municipality_id=tree.vaxjo.pk)
    assert after.counter == before.counter + 1


# --- killed in the middle ---------------------------------------------------------------------

CHILD = """
import os, sys, time
from pathlib import Path
import django
django.setup()
from insyn.imports.formats import read_path
from insyn.imports.pipeline import run_import
from insyn.organisations.models import OrgUnit

marker = sys.argv[2]
def progress(sheet, done, total):
    if sheet == "cases" and 0 < done < total:  # clients and some cases written, not committed
        open(marker, "w").close()
        time.sleep(120)

municipality = OrgUnit.objects.get(code="0780")
run_import(read_path(Path(sys.argv[1])), municipality=municipality, actor=None, dry_run=False,
           progress=progress)
open(marker + ".finished", "w").close()
"""


def _database_url(db_file: Path | None) -> str:
    if db_file is not None:
        return f"sqlite:///{db_file}"
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _kill_mid_import(folder: Path, marker: Path, url: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "insyn.settings",
        "PYTHONPATH": str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", ""),
    }
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(folder), str(marker)], env=env)
    try:
        deadline = time.monotonic() + 240
        while not marker.exists():
            assert child.poll() is None, "the import process ended before it was killed"
            assert time.monotonic() < deadline, "the import never got half-way"
            time.sleep(0.1)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    assert not Path(f"{marker}.finished").exists()


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_half_way_leaves_nothing(tmp_path, tree, catalogues):
    """The import runs in another process, which is killed (SIGKILL) after the clients and the
    first chunk of cases were written but before the transaction committed."""
    folder = write_files(tmp_path / "files", 1500)
    marker = tmp_path / "half-way"
    entries = ChangeEntry.objects.count()
    if connection.vendor == "sqlite":
        db_file = tmp_path / "db.sqlite3"
        target = sqlite3.connect(db_file)
        connection.ensure_connection()
        connection.connection.backup(target)  # the test database, committed, as a file
        target.close()
        _kill_mid_import(folder, marker, _database_url(db_file))
        with sqlite3.connect(db_file) as db:
            count = lambda table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: E731
            assert count("clients_client") == 0
            assert count("clients_case") == 0
            assert count("core_changeentry") == entries
    else:
        _kill_mid_import(folder, marker, _database_url(None))
        assert Client.objects.count() == 0
        assert Case.objects.count() == 0
        assert ChangeEntry.objects.count() == entries
