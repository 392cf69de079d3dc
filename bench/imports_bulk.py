"""Import throughput: N clients, each with one case, imported from CSV (`run_import`, no
actor, as `insyn import` does). Prints rows/s (client rows + case rows) per run and the median.

    PYTHONPATH=$PWD/src .venv/bin/python bench/imports_bulk.py --db sqlite
    PYTHONPATH=$PWD/src .venv/bin/python bench/imports_bulk.py \
        --db postgresql://postgres@127.0.0.1:5432/insyn_bulkimport_bench

Every run imports into a fresh municipality of its own, so runs do not see each other's rows.
The database (a file under var/bench/ for SQLite) is created and migrated on first use; the
PostgreSQL database name must contain "bench".
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]


def personnummer(n: int) -> str:
    """A valid, distinct personnummer for n < 365 * 900 (Luhn check digit)."""
    day = dt.date(1940, 1, 1) + dt.timedelta(days=n // 900)
    serial = 100 + n % 900
    digits = f"{day:%y%m%d}{serial:03d}"
    total = 0
    for i, ch in enumerate(digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    check = (10 - total % 10) % 10
    return f"{day:%Y%m%d}-{serial:03d}{check}"


def write_files(folder: Path, rows: int, unit_code: str) -> None:
    clients = ["client_ref,personnummer,birth_date,sex"]
    cases = ["case_ref,client_ref,unit_code,opened_on,source,reason,closed_on"]
    for n in range(rows):
        clients.append(f"K{n:06d},{personnummer(n)},,")
        opened = dt.date(2024, 1, 1) + dt.timedelta(days=n % 300)
        cases.append(f"A{n:06d},K{n:06d},{unit_code},{opened.isoformat()},application,alcohol,")
    (folder / "clients.csv").write_text("\n".join(clients) + "\n", encoding="utf-8")
    (folder / "cases.csv").write_text("\n".join(cases) + "\n", encoding="utf-8")


def setup(db: str, sqlite_file: str) -> str:
    if db == "sqlite":
        path = Path(sqlite_file)
        path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{path}"
    else:
        url = db
        name = urlparse(url).path.lstrip("/")
        if "bench" not in name:
            sys.exit(f"refusing to run against {name!r}: the name must contain 'bench'")
        import psycopg

        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(
        {
            "DATABASE_URL": url,
            "INSYN_ENV": "development",
            "INSYN_DEBUG": "false",
            "INSYN_TASKS": "immediate",
            "DJANGO_SETTINGS_MODULE": "insyn.settings",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from insyn.core.catalogue_loader import load_catalogues

    load_catalogues()
    return url


def municipality(tag: str):  # type: ignore[no-untyped-def]
    from insyn.organisations import services as org
    from insyn.organisations.models import OrgUnit

    K = OrgUnit.Kind
    nation = OrgUnit.objects.filter(kind=K.NATION).first() or org.org_unit_create(
        actor=None, parent=None, code="0000", name="Riket", kind=K.NATION
    )
    region = OrgUnit.objects.filter(kind=K.REGION, code="0099").first() or org.org_unit_create(
        actor=None, parent=nation, code="0099", name="Benchregion", kind=K.REGION
    )
    muni = org.org_unit_create(
        actor=None, parent=region, code=tag, name=f"Bench {tag}", kind=K.MUNICIPALITY
    )
    admin = org.org_unit_create(
        actor=None, parent=muni, code="SOC", name="Socialförvaltningen", kind=K.ADMINISTRATION
    )
    org.org_unit_create(actor=None, parent=admin, code="BU", name="Enhet", kind=K.UNIT)
    return muni


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite", help="'sqlite' or a PostgreSQL URL")
    parser.add_argument("--rows", type=int, default=10_000, help="clients (each with a case)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sqlite-file", default=str(ROOT / "var" / "bench" / "imports.sqlite3"))
    args = parser.parse_args()
    setup(args.db, args.sqlite_file)
    from insyn.clients.models import Case, Client
    from insyn.imports.formats import read_path
    from insyn.imports.pipeline import run_import

    rates = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_files(folder, args.rows, "BU")
        for run in range(args.runs):
            muni = municipality(f"B{time.time_ns() % 10**9}")
            start = time.perf_counter()
            report = run_import(read_path(folder), municipality=muni, actor=None, dry_run=False)
            seconds = time.perf_counter() - start
            assert report.applied, report.issues[:5]
            assert Client.objects.filter(municipality=muni).count() == args.rows
            assert Case.objects.filter(municipality=muni).count() == args.rows
            rate = 2 * args.rows / seconds
            rates.append(rate)
            print(f"run {run + 1}: {2 * args.rows} rows in {seconds:.1f} s = {rate:.0f} rows/s")
    engine = "sqlite" if args.db == "sqlite" else "postgresql"
    print(
        f"{engine}: {args.rows} clients + {args.rows} cases, median {statistics.median(rates):.0f} "
        f"rows/s over {args.runs} run(s)"
    )


if __name__ == "__main__":
    main()
