"""The web import's background tasks: the database queue (enqueue in the request, run the way
`insyn db_worker` does), failures mid-apply, a large file, progress while the apply's
transaction is open, and the encrypted upload store."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.core.management import call_command
from django.db import connection
from django.db.utils import load_backend
from django.urls import reverse

from insyn.clients.models import Client
from insyn.core.roles import Role
from insyn.imports import services
from insyn.imports.apply import Applier
from insyn.imports.models import ImportBatch, ImportChunk
from insyn.imports.progress import ProgressWriter, progress_read
from insyn.imports.uploads import read_files
from tests.factories import user_with_role
from tests.imports.helpers import database_state

NAMES = ("clients", "cases", "interventions", "measurements", "goals")
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _files(examples, names=NAMES):
    return [
        SimpleUploadedFile(f"{n}.csv", (examples / f"{n}.csv").read_bytes(), "text/csv")
        for n in names
    ]


@pytest.fixture
def head(tree):
    return user_with_role(Role.UNIT_MANAGER, tree.aov, username="head")


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # resets backends
    yield
    settings.TASKS = IMMEDIATE


def _worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_database_queue_check_then_apply(
    transactional_db, tree, head, addiction_programme, examples, login, database_queue
):
    from django_tasks_db.models import DBTaskResult

    c = login(head)
    response = c.post(
        reverse("imports:upload"), {"municipality": tree.vaxjo.pk, "upload": _files(examples)}
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == "uploaded" and batch.report == {}  # the request did not check
    assert DBTaskResult.objects.count() == 1
    page = c.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and "Väntar på kontroll" in page
    _worker()
    batch.refresh_from_db()
    assert batch.status == "checked" and batch.report["counts"]["clients"]["created"] == 4
    fragment = c.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and "hx-trigger" not in fragment  # polling stops
    assert "Bekräfta och importera" in fragment
    c.post(response["Location"], {"op": "confirm"})
    batch.refresh_from_db()
    assert batch.status == "applying" and Client.objects.count() == 0
    assert "Importeras" in c.get(response["Location"]).content.decode()
    _worker()
    batch.refresh_from_db()
    assert batch.status == "applied" and Client.objects.count() == 4
    assert not ImportChunk.objects.exists()
    _worker()  # nothing left, nothing changes
    assert Client.objects.count() == 4


def test_a_large_file_is_checked_by_the_worker_not_the_request(
    transactional_db, tree, head, catalogues, login, database_queue
):
    lines = ["client_ref,personnummer,birth_date,sex"]
    lines += [f"G-{i:05d},,1980-01-01,Q" for i in range(6000)]  # every row has a bad sex code
    data = ("\n".join(lines) + "\n").encode()
    c = login(head)
    response = c.post(
        reverse("imports:upload"),
        {"municipality": tree.vaxjo.pk, "upload": [SimpleUploadedFile("clients.csv", data)]},
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == "uploaded" and batch.report == {}
    _worker()
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.report["counts"]["clients"]["rows"] == 6000
    first = batch.report["issues"][0]
    assert (first["file"], first["row"], first["column"]) == ("clients.csv", 2, "sex")
    assert Client.objects.count() == 0


def test_a_task_failing_mid_apply_writes_nothing(
    tree,
    head,
    addiction_programme,
    examples,
    login,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    c = login(head)
    with django_capture_on_commit_callbacks(execute=True):
        c.post(
            reverse("imports:upload"), {"municipality": tree.vaxjo.pk, "upload": _files(examples)}
        )
    batch = ImportBatch.objects.get()
    assert batch.status == "checked"
    before = database_state()

    def boom(self, rec):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Applier, "_goal", boom)  # after clients, cases, … were written
    with django_capture_on_commit_callbacks(execute=True):
        c.post(reverse("imports:batch", args=[batch.pk]), {"op": "confirm"})
    batch.refresh_from_db()
    assert batch.status == "failed" and "oväntat fel" in batch.failure
    assert database_state() == before and Client.objects.count() == 0
    page = c.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "Inte importerad" in page and "oväntat fel" in page


def test_a_failing_apply_on_the_database_queue_writes_nothing(
    transactional_db, tree, head, addiction_programme, examples, database_queue, monkeypatch
):
    batch = services.batch_upload(actor=head, municipality=tree.vaxjo, files=_files(examples))
    _worker()
    batch = services.batch_confirm(actor=head, batch=batch)
    monkeypatch.setattr(Applier, "_goal", lambda self, rec: 1 / 0)
    _worker()
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.failure and Client.objects.count() == 0


def test_progress_is_visible_while_the_apply_transaction_is_open(
    transactional_db, tree, head, addiction_programme, examples, monkeypatch
):
    seen: list[tuple[str, int, int, bool]] = []
    in_row: list[int] = []

    class Watching(ProgressWriter):
        def __call__(self, sheet: str, done: int, total: int) -> None:
            super().__call__(sheet, done, total)
            if done != total:
                return
            shown = progress_read(ImportBatch.objects.get(pk=self.batch_id))
            seen.append((shown.sheet, shown.done, shown.total, connection.in_atomic_block))
            if connection.vendor == "postgresql":  # another connection sees the row's progress
                other = load_backend(connection.settings_dict["ENGINE"]).DatabaseWrapper(
                    dict(connection.settings_dict), "probe"
                )
                try:
                    with other.cursor() as cursor:
                        cursor.execute(
                            "SELECT progress_done FROM imports_importbatch WHERE id = %s",
                            [self.batch_id],
                        )
                        in_row.append(cursor.fetchone()[0])
                finally:
                    other.close()

    monkeypatch.setattr(services, "ProgressWriter", Watching)
    batch = services.batch_upload(actor=head, municipality=tree.vaxjo, files=_files(examples))
    batch.refresh_from_db()
    assert batch.status == "checked"
    seen.clear()
    in_row.clear()
    services.batch_confirm(actor=head, batch=batch)
    assert ("clients", 4, 4, True) in seen and ("cases", 5, 5, True) in seen
    if connection.vendor == "postgresql":
        assert in_row[:2] == [4, 5]
    batch.refresh_from_db()
    assert batch.status == "applied"
    assert progress_read(batch).done == batch.progress_done  # the cache was cleared


def test_uploads_are_encrypted_as_they_arrive(tree, head, catalogues, login, monkeypatch):
    def no_plain_temp_file(*args, **kwargs):
        raise AssertionError("an upload was spooled to disk in clear")

    monkeypatch.setattr(TemporaryUploadedFile, "__init__", no_plain_temp_file)
    marker = b"19850315-2467"
    data = b"client_ref,personnummer,birth_date,sex\n" + (b"KL-1," + marker + b",,\n") * 150_000
    assert len(data) > 2.5 * 1024 * 1024  # over Django's in-memory limit
    response = login(head).post(
        reverse("imports:upload"),
        {"municipality": tree.vaxjo.pk, "upload": [SimpleUploadedFile("clients.csv", data)]},
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    chunks = list(ImportChunk.objects.filter(file__batch=batch))
    assert len(chunks) >= 3  # about 1 MB each
    assert all(marker not in bytes(chunk.content) for chunk in chunks)
    assert read_files(batch) == [("clients.csv", data)]


def test_too_large_uploads_are_refused(tree, head, catalogues, login, monkeypatch):
    monkeypatch.setattr(services, "MAX_UPLOAD_BYTES", 1000)
    response = login(head).post(
        reverse("imports:upload"),
        {"municipality": tree.vaxjo.pk, "upload": [SimpleUploadedFile("clients.csv", b"x" * 1001)]},
    )
    assert response.status_code == 400 and not ImportBatch.objects.exists()
    assert "50 MB" in response.content.decode()
