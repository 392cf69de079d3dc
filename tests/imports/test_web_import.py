"""Web import: upload → validation report → confirm or cancel; the files wait encrypted and
are deleted once confirmed or cancelled; only the uploader sees the import."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from insyn.clients.models import Client
from insyn.core.roles import Role
from insyn.imports.models import ImportBatch, ImportFile
from tests.factories import user_with_role

NAMES = ("clients", "cases", "interventions", "measurements", "goals")


def _upload(c, examples, municipality, names=NAMES, replace=None):
    files = []
    for name in names:
        data = (examples / f"{name}.csv").read_bytes()
        if replace and name in replace:
            data = data.replace(*replace[name])
        files.append(SimpleUploadedFile(f"{name}.csv", data, content_type="text/csv"))
    return c.post(reverse("imports:upload"), {"municipality": municipality.pk, "upload": files})


def test_upload_check_and_confirm(login, tree, staff, addiction_programme, examples):
    head = user_with_role(Role.UNIT_MANAGER, tree.aov, username="head")  # both departments
    c = login(head)
    assert c.get(reverse("imports:upload")).status_code == 200
    response = _upload(c, examples, tree.vaxjo)
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == "pending" and Client.objects.count() == 0
    stored = ImportFile.objects.filter(batch=batch)
    assert stored.count() == 5
    for f in stored:  # kept encrypted, never in clear
        assert b"19850315" not in bytes(f.content) and b"KL-1001" not in bytes(f.content)
    page = c.get(response["Location"])
    assert page.context["report"].ok and page.context["report"].counts["clients"].created == 4
    assert "Bekräfta och importera" in page.content.decode()
    done = c.post(response["Location"], {"op": "confirm"})
    assert done.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "applied" and not ImportFile.objects.exists()
    assert Client.objects.count() == 4
    assert not Client.objects.get(client_ref="KL-1001").cases.filter(case_worker__isnull=False)
    # A second confirm does nothing.
    c.post(response["Location"], {"op": "confirm"})
    assert Client.objects.count() == 4


def test_a_report_with_problems_cannot_be_confirmed(
    login, tree, staff, addiction_programme, examples
):
    c = login(staff.unit_manager)
    _upload(c, examples, tree.vaxjo, replace={"cases": (b"2024-05-06", b"2024-05-32")})
    batch = ImportBatch.objects.get()
    page = c.get(reverse("imports:batch", args=[batch.pk]))
    issues = page.context["report"].issues
    assert [(i.file, i.row, i.column) for i in issues] == [("cases.csv", 4, "opened_on")]
    assert "Bekräfta och importera" not in page.content.decode()
    c.post(reverse("imports:batch", args=[batch.pk]), {"op": "confirm"})
    assert Client.objects.count() == 0
    c.post(reverse("imports:batch", args=[batch.pk]), {"op": "cancel"})
    batch.refresh_from_db()
    assert batch.status == "cancelled" and not ImportFile.objects.exists()


def test_rows_outside_the_users_units_are_refused(
    login, tree, staff, addiction_programme, examples
):
    c = login(staff.case_worker)  # works in VUX-OPV only; case AR-2005 is in BOF-UTR
    _upload(c, examples, tree.vaxjo)
    report = ImportBatch.objects.get().report
    assert any(i["file"] == "cases.csv" and i["row"] == 6 for i in report["issues"])
    assert Client.objects.count() == 0


def test_only_the_uploader_sees_the_import(login, tree, staff, addiction_programme, examples):
    _upload(login(staff.unit_manager), examples, tree.vaxjo, names=("clients",))
    batch = ImportBatch.objects.get()
    other = login(staff.case_worker)
    assert other.get(reverse("imports:batch", args=[batch.pk])).status_code == 404
    assert (
        other.post(reverse("imports:batch", args=[batch.pk]), {"op": "confirm"}).status_code == 404
    )


def test_no_import_without_the_right_to_change_data(login, tree, staff, catalogues, examples):
    for user in (staff.quality_lead, staff.analyst, staff.admin):
        assert login(user).get(reverse("imports:upload")).status_code == 404
    # A case worker cannot import into another municipality.
    c = login(staff.case_worker)
    response = _upload(c, examples, tree.kalmar, names=("clients",))
    assert response.status_code == 400 and "municipality" in response.context["form"].errors


def test_pending_uploads_expire(login, tree, staff, catalogues, examples):
    import datetime as dt

    from django.utils import timezone

    from insyn.imports.services import purge_expired

    _upload(login(staff.unit_manager), examples, tree.vaxjo, names=("clients",))
    assert purge_expired() == 0
    assert purge_expired(timezone.now() + dt.timedelta(hours=25)) == 1
    assert ImportBatch.objects.get().status == "expired" and not ImportFile.objects.exists()
