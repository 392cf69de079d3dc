"""Web import: upload → background check → validation report → confirm → background apply;
the files wait encrypted and are deleted once the batch is finished; only the uploader sees
the import. Here the tasks run at once (INSYN_TASKS=immediate, after the commit)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from insyn.clients.models import Client
from insyn.core.models import ChangeEntry
from insyn.core.roles import Role
from insyn.imports import services
from insyn.imports.models import ImportBatch, ImportChunk, ImportFile
from tests.factories import user_with_role
from tests.imports.helpers import database_state

NAMES = ("clients", "cases", "interventions", "measurements", "goals")


def _files(examples, names=NAMES, replace=None):
    files = []
    for name in names:
        data = (examples / f"{name}.csv").read_bytes()
        if replace and name in replace:
            data = data.replace(*replace[name])
        files.append(SimpleUploadedFile(f"{name}.csv", data, content_type="text/csv"))
    return files


@pytest.fixture
def head(tree):
    """A unit manager over both departments: may import every example row."""
    return user_with_role(Role.UNIT_MANAGER, tree.aov, username="head")


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    def _upload(c, examples, municipality, names=NAMES, replace=None):
        with django_capture_on_commit_callbacks(execute=True):
            return c.post(
                reverse("imports:upload"),
                {"municipality": municipality.pk, "upload": _files(examples, names, replace)},
            )

    return _upload


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    def _post(c, batch, op):
        with django_capture_on_commit_callbacks(execute=True):
            return c.post(reverse("imports:batch", args=[batch.pk]), {"op": op})

    return _post


def test_upload_check_and_confirm(login, tree, head, addiction_programme, examples, upload, post):
    c = login(head)
    assert c.get(reverse("imports:upload")).status_code == 200
    response = upload(c, examples, tree.vaxjo)
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == "checked" and Client.objects.count() == 0
    stored = ImportChunk.objects.filter(file__batch=batch)
    assert ImportFile.objects.filter(batch=batch).count() == 5 and stored.count() == 5
    for f in stored:  # kept encrypted, never in clear
        assert b"19850315" not in bytes(f.content) and b"KL-1001" not in bytes(f.content)
    page = c.get(response["Location"])
    assert page.context["report"].ok and page.context["report"].counts["clients"].created == 4
    content = page.content.decode()
    assert "Bekräfta och importera" in content and "hx-trigger" not in content  # no polling
    done = post(c, batch, "confirm")
    assert done.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "applied" and not ImportFile.objects.exists()
    assert not ImportChunk.objects.exists()
    assert Client.objects.count() == 4
    assert not Client.objects.get(client_ref="KL-1001").cases.filter(case_worker__isnull=False)
    assert ChangeEntry.objects.filter(action="import", org_path=tree.vaxjo.path).count() == 1
    result = c.get(response["Location"]).content.decode()
    assert "Importerad" in result and "Vad importen gjorde" in result
    # A second confirm does nothing but say why.
    again = c.post(response["Location"], {"op": "confirm"}, follow=True)
    assert "kan inte bli" in again.content.decode()
    assert Client.objects.count() == 4


def test_a_report_with_problems_cannot_be_confirmed(
    login, tree, staff, addiction_programme, examples, upload, post
):
    c = login(staff.unit_manager)
    before = database_state()
    upload(c, examples, tree.vaxjo, replace={"cases": (b"2024-05-06", b"2024-05-32")})
    batch = ImportBatch.objects.get()
    assert batch.status == "failed" and not ImportFile.objects.exists()
    page = c.get(reverse("imports:batch", args=[batch.pk]))
    issues = page.context["report"].issues
    assert [(i.file, i.row, i.column) for i in issues] == [("cases.csv", 4, "opened_on")]
    content = page.content.decode()
    assert "Bekräfta och importera" not in content and "opened_on" in content
    post(c, batch, "confirm")
    post(c, batch, "cancel")
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert database_state() == before


def test_cancel_deletes_the_files(login, tree, head, addiction_programme, examples, upload, post):
    c = login(head)
    upload(c, examples, tree.vaxjo)
    batch = ImportBatch.objects.get()
    post(c, batch, "cancel")
    batch.refresh_from_db()
    assert batch.status == "cancelled" and not ImportChunk.objects.exists()
    assert Client.objects.count() == 0


def test_rows_outside_the_users_units_are_refused(
    login, tree, staff, addiction_programme, examples, upload
):
    c = login(staff.case_worker)  # works in VUX-OPV only; case AR-2005 is in BOF-UTR
    upload(c, examples, tree.vaxjo)
    batch = ImportBatch.objects.get()
    assert batch.status == "failed"
    assert any(i["file"] == "cases.csv" and i["row"] == 6 for i in batch.report["issues"])
    assert Client.objects.count() == 0


def test_only_the_uploader_sees_the_import(
    login, tree, staff, head, addiction_programme, examples, upload
):
    upload(login(head), examples, tree.vaxjo)
    batch = ImportBatch.objects.get()
    other = login(staff.case_worker)
    url = reverse("imports:batch", args=[batch.pk])
    assert other.get(url).status_code == 404
    assert other.get(url, headers={"HX-Request": "true"}).status_code == 404
    assert other.post(url, {"op": "confirm"}).status_code == 404
    assert other.post(url, {"op": "cancel"}).status_code == 404
    batch.refresh_from_db()
    assert batch.status == "checked"
    with pytest.raises(Exception) as exc:  # the service refuses as well: 404, like missing
        services.batch_confirm(actor=staff.case_worker, batch=batch)
    assert type(exc.value).__name__ == "Http404"


def test_no_import_without_the_right_to_change_data(
    login, tree, staff, catalogues, examples, upload
):
    for user in (staff.quality_lead, staff.analyst, staff.admin):
        assert login(user).get(reverse("imports:upload")).status_code == 404
    # A case worker cannot import into another municipality.
    c = login(staff.case_worker)
    response = upload(c, examples, tree.kalmar, names=("clients",))
    assert response.status_code == 400 and "municipality" in response.context["form"].errors


def test_the_upload_form_still_checks_csrf(tree, staff, catalogues, examples, client):
    from django.test import Client as TestClient

    c = TestClient(enforce_csrf_checks=True)
    c.force_login(staff.unit_manager)
    response = c.post(
        reverse("imports:upload"),
        {"municipality": tree.vaxjo.pk, "upload": _files(examples, ("clients",))},
    )
    assert response.status_code == 403 and not ImportBatch.objects.exists()


def test_the_batch_state_machine(login, tree, head, addiction_programme, examples, upload):
    upload(login(head), examples, tree.vaxjo)
    batch = ImportBatch.objects.get()
    assert services.TRANSITIONS["checked"] == {"applying", "cancelled", "expired"}
    for illegal in ("applied", "checking", "uploaded"):
        with pytest.raises(ValidationError):
            services._move(batch, illegal)
    services.batch_cancel(actor=head, batch=batch)
    with pytest.raises(ValidationError):
        services.batch_confirm(actor=head, batch=batch)
    batch.refresh_from_db()
    assert batch.status == "cancelled"


def test_waiting_uploads_expire_and_stuck_tasks_fail(
    login, tree, head, addiction_programme, examples, upload
):
    import datetime as dt

    from django.utils import timezone

    upload(login(head), examples, tree.vaxjo)
    running = ImportBatch.objects.create(
        municipality=tree.vaxjo, uploaded_by=head, status="applying"
    )
    assert services.purge_expired() == 0
    assert services.purge_expired(timezone.now() + dt.timedelta(hours=25)) == 2
    assert ImportBatch.objects.exclude(pk=running.pk).get().status == "expired"
    running.refresh_from_db()
    assert running.status == "failed" and running.failure
    assert not ImportFile.objects.exists()


@pytest.mark.parametrize(
    ("sheet", "shown"),
    [
        ("measurements", "Blad measurements: 2 av 4 mättillfällen."),
        ("clients", "Blad clients: 2 av 4 rader."),
    ],
)
def test_progress_counts_occasions_for_measurements_and_rows_elsewhere(
    login, tree, head, sheet, shown
):
    """The apply step goes occasion by occasion through the measurements sheet, so that is
    what its progress counts (it said "rows" while counting occasions)."""
    batch = ImportBatch.objects.create(
        municipality=tree.vaxjo,
        uploaded_by=head,
        status=ImportBatch.Status.APPLYING,
        progress_sheet=sheet,
        progress_done=2,
        progress_total=4,
    )
    page = login(head).get(reverse("imports:batch", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert shown in page.content.decode()
