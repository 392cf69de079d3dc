"""The job on both sides of every boundary: what goes, what stays, what is held or excepted,
and that compiled figures (stored indicator values, a frozen report) read the same after."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from insyn.clients.models import Case, Client, Decision
from insyn.core.models import AccessEntry, ChangeEntry
from insyn.imports.models import ImportBatch
from insyn.indicators.models import IndicatorValue
from insyn.quality.models import Complaint, Deviation, LexSarahReport
from insyn.reports.models import Report
from insyn.retention.models import LegalHold, RetentionRun
from insyn.retention.services.rules import hold_lift, hold_place
from insyn.retention.services.run import retention_run
from tests.clients import factories as cf
from tests.indicators import compare_factories as icf
from tests.quality import factories as qf
from tests.reports.factories import own
from tests.retention import factories as f

pytestmark = pytest.mark.usefixtures("catalogues")
NORMAL = dt.date(1980, 5, 17)


def _clients(tree, today):
    days = f.boundary(today)
    made = {
        side: f.closed_client(tree.vux_unit, day, NORMAL, f"K-{side}") for side, day in days.items()
    }
    made["research"] = f.closed_client(tree.vux_unit, days["after"], dt.date(1980, 5, 15), "K-r")
    made["held"] = f.closed_client(tree.vux_unit, days["after"], NORMAL, "K-held")
    made["open"] = cf.client(tree.vux_unit, birth_date=NORMAL, sex="K", client_ref="K-open")
    cf.case(made["open"], opened_on=days["after"] - dt.timedelta(days=400), case_ref="K-open")
    return made


def _is_reduced(client: Client) -> bool:
    client.refresh_from_db()
    case = Case.objects.get(client=client)
    return (
        client.person_key == ""
        and client.personnummer_encrypted == ""
        and client.client_ref == f"G{client.pk}"
        and client.birth_date == dt.date(client.birth_date.year, 7, 1)
        and case.case_ref == f"G{case.pk}"
        and Decision.objects.get(case=case).comment == ""
    )


def test_clients_on_both_sides_of_the_boundary_with_exception_and_hold(tree):
    today = timezone.localdate()
    f.rule(tree.vaxjo, "client", keep_birth_days="5,15,25")
    made = _clients(tree, today)
    hold_place(actor=None, reason="Tvist", case=Case.objects.get(client=made["held"]))

    run, _ = retention_run(actor=None, municipality=tree.vaxjo, dry_run=False, today=today)

    assert not _is_reduced(made["before"])
    assert made["before"].person_key == "key-K-before" and made["before"].birth_date == NORMAL
    assert _is_reduced(made["day_of"]) and _is_reduced(made["after"])
    assert made["day_of"].sex == "M" and made["day_of"].birth_date.year == 1980
    for kept in ("research", "held"):
        made[kept].refresh_from_db()
        assert made[kept].person_key == f"key-{made[kept].client_ref}"
    made["open"].refresh_from_db()
    assert made["open"].client_ref == "K-open"
    assert (run.counts, run.held, run.excepted) == ({"client": 2}, {"client": 1}, {"client": 1})
    # A record is reduced once: the next run finds nothing new.
    again, _ = retention_run(actor=None, municipality=tree.vaxjo, dry_run=False, today=today)
    assert again.counts == {"client": 0}


def test_a_lifted_hold_lets_the_next_run_reduce(tree):
    today = timezone.localdate()
    f.rule(tree.vaxjo, "client")
    client = f.closed_client(tree.vux_unit, f.boundary(today)["after"], NORMAL, "K-1")
    hold = hold_place(actor=None, reason="Begäran från IVO", client=client)
    retention_run(actor=None, municipality=tree.vaxjo, dry_run=False, today=today)
    assert not _is_reduced(client)
    hold_lift(actor=None, hold=hold)
    retention_run(actor=None, municipality=tree.vaxjo, dry_run=False, today=today)
    assert _is_reduced(client)


def test_quality_records_and_uploads_on_both_sides(tree, staff):
    today = timezone.localdate()
    days = f.boundary(today)
    for kind in ("deviation", "complaint", "lex_sarah", "upload"):
        f.rule(tree.vaxjo, kind)
    person = cf.client(tree.vux_unit, birth_date=NORMAL, sex="K", client_ref="K-q")
    rows = {}
    for side, day in days.items():
        rows[side] = (
            qf.deviation(
                tree.vux_unit,
                staff.case_worker,
                reported_at=f.noon(day - dt.timedelta(days=5)),
                state=Deviation.State.CLOSED,
                client=person,
                closed_at=f.noon(day),
                cause_text="Handläggaren glömde",
            ),
            qf.complaint(
                tree.vux_unit,
                received_on=day - dt.timedelta(days=5),
                state=Complaint.State.CLOSED,
                closed_on=day,
                contact_name="Anna Andersson",
                contact_email="anna@example.se",
                client=person,
            ),
            qf.lex_sarah(
                tree.vux_unit,
                staff.case_worker,
                reported_at=f.noon(day - dt.timedelta(days=5)),
                state=LexSarahReport.State.CLOSED,
                closed_on=day,
                client=person,
                affected_views="Hen var ledsen",
            ),
            f.upload(tree.vaxjo, day, staff.admin),
        )
    kalmar_upload = f.upload(tree.kalmar, days["after"], staff.kalmar_admin)

    run, _ = retention_run(actor=None, municipality=tree.vaxjo, dry_run=False, today=today)

    assert run.counts == {"complaint": 2, "deviation": 2, "lex_sarah": 2, "upload": 2}
    for side, (dev, com, lex, batch) in rows.items():
        dev.refresh_from_db(), com.refresh_from_db(), lex.refresh_from_db()
        gone = side != "before"
        assert (dev.description == "" and dev.cause_text == "" and dev.client_id is None) is gone
        assert (com.contact_name == com.contact_email == com.text == "") is gone
        assert (com.client_id is None) is gone
        assert (lex.description == lex.affected_views == "" and lex.client_id is None) is gone
        assert ImportBatch.objects.filter(pk=batch.pk).exists() is not gone
        # What the statistics count stays: dates, category, state.
        assert dev.state == Deviation.State.CLOSED and dev.category_id is not None
        assert com.received_on == days[side] - dt.timedelta(days=5)
    assert ImportBatch.objects.filter(pk=kalmar_upload.pk).exists()  # another municipality


def _audit(org_path: str, day: dt.date, client_id: int | None = None) -> None:
    for model, action in ((AccessEntry, "view"), (ChangeEntry, "update")):
        model.objects.create(
            at=f.noon(day),
            action=action,
            object_type="clients.client",
            object_id=str(client_id or 0),
            client_id=client_id,
            org_path=org_path,
        )


def test_audit_entries_leave_through_the_hatch_held_and_other_municipalities_stay(tree):
    today = timezone.localdate()
    days = f.boundary(today)
    f.rule(tree.vaxjo, "audit")
    held = cf.client(tree.vux_unit, birth_date=NORMAL, sex="K", client_ref="K-a")
    hold_place(actor=None, reason="Tvist", client=held)
    for day in days.values():
        _audit(tree.vux_unit.path, day)
    _audit(tree.vux_unit.path, days["after"], client_id=held.pk)
    _audit(tree.kalmar_unit.path, days["after"])
    old = ChangeEntry.objects.count(), AccessEntry.objects.count()

    run, plans = retention_run(actor=None, municipality=tree.vaxjo, dry_run=False, today=today)

    assert run.counts == {"audit": 4} and run.held == {"audit": 2}
    assert plans[0].due == []  # counted, never listed
    left = AccessEntry.objects.filter(at__lt=f.noon(today))
    assert sorted((e.org_path, e.client_id or 0) for e in left) == sorted(
        [(tree.vux_unit.path, 0), (tree.vux_unit.path, held.pk), (tree.kalmar_unit.path, 0)]
    )
    assert AccessEntry.objects.count() == old[1] - 2
    purge = ChangeEntry.objects.get(action="purge")
    assert purge.after["access_entries"] == 2 and purge.after["change_entries"] == 2


def test_dry_run_changes_nothing_lists_ids_and_says_what_is_held(tree):
    today = timezone.localdate()
    f.rule(tree.vaxjo, "client", keep_birth_days="5,15,25")
    made = _clients(tree, today)
    hold_place(actor=None, reason="Tvist", client=made["held"])
    before = list(Client.objects.order_by("pk").values())
    cases = list(Case.objects.order_by("pk").values())

    run, plans = retention_run(actor=None, municipality=tree.vaxjo, dry_run=True, today=today)

    assert list(Client.objects.order_by("pk").values()) == before
    assert list(Case.objects.order_by("pk").values()) == cases
    assert run.dry_run and run.counts == {"client": 2} and run.held == {"client": 1}
    assert sorted(plans[0].due) == sorted(made[s].pk for s in ("day_of", "after"))
    assert plans[0].held == [made["held"].pk]
    assert plans[0].excepted == [made["research"].pk]


def test_run_log_has_counts_not_data(tree):
    today = timezone.localdate()
    f.rule(tree.vaxjo, "client")
    f.closed_client(tree.vux_unit, f.boundary(today)["after"], NORMAL, "K-logg")
    run, _ = retention_run(actor=None, municipality=tree.vaxjo, dry_run=False, today=today)
    entry = ChangeEntry.objects.get(action="retention_run")
    assert entry.after == {"counts": {"client": 1}, "held": {}, "excepted": {}}
    assert (run.counts, run.held, run.excepted) == ({"client": 1}, {}, {})
    logged = str(entry.after) + str(entry.before)
    for secret in ("K-logg", "key-K-logg", "1980"):
        assert secret not in logged
    assert RetentionRun.objects.filter(dry_run=False).count() == 1


def test_stored_indicator_values_and_a_frozen_report_read_the_same(tree, staff):
    today = timezone.localdate()
    f.rule(tree.vaxjo, "client")
    for side, day in f.boundary(today).items():
        f.closed_client(tree.vux_unit, day, NORMAL, f"K-{side}")
    ind = icf.indicator("reaktualisering", source="computed")
    own(ind, tree.vaxjo, today.year - 1, 182, 200)
    report = Report.objects.create(
        unit=tree.aov,
        municipality=tree.vaxjo,
        year=today.year - 1,
        title="Kvalitetsberättelse",
        template_key="default",
        template_version=1,
        template={},
        status=Report.Status.APPROVED,
        frozen_document={"blocks": [{"id": "klienter", "value": 3}]},
        created_by=staff.quality_lead,
    )
    values = list(IndicatorValue.objects.order_by("pk").values())
    frozen = Report.objects.values("frozen_document", "updated_at").get(pk=report.pk)

    retention_run(actor=None, municipality=tree.vaxjo, dry_run=False, today=today)

    assert list(IndicatorValue.objects.order_by("pk").values()) == values
    assert Report.objects.values("frozen_document", "updated_at").get(pk=report.pk) == frozen


def test_command_run_dry_run_and_bad_municipality(tree):
    today = timezone.localdate()
    f.rule(tree.vaxjo, "client")
    old = f.closed_client(tree.vux_unit, today - dt.timedelta(days=200), NORMAL, "K-cli")
    out = StringIO()
    call_command("retention", "run", "--dry-run", "--municipality", "0780", "--ids", stdout=out)
    assert "client: due 1, held 0, excepted 0" in out.getvalue()
    assert f"ids: {old.pk}" in out.getvalue() and "K-cli" not in out.getvalue()
    assert not _is_reduced(old)
    call_command("retention", "run", stdout=StringIO())
    assert _is_reduced(old)
    with pytest.raises(CommandError):
        call_command("retention", "run", "--municipality", "9999", stdout=StringIO())
    with pytest.raises(CommandError):  # a hold needs a reason
        call_command(
            "retention", "hold", "--municipality", "0780", "--client", f"G{old.pk}", "--reason", " "
        )
    assert not LegalHold.objects.exists()
    out = StringIO()
    call_command("retention", "defaults", "--municipality", "0780", stdout=out)
    call_command("retention", "rules", "--municipality", "0780", stdout=out)
    assert "8 rule(s) installed" in out.getvalue()  # every kind but the client rule it had
    assert "0780 client: 30 days after last_case_closed" in out.getvalue()


def test_clients_counted_from_the_last_entry(tree):
    today = timezone.localdate()
    f.rule(tree.vaxjo, "client", event="last_entry")
    made = {}
    for side, day in f.boundary(today).items():
        # closed long ago, but written about on `day`
        client = f.closed_client(tree.vux_unit, day - dt.timedelta(days=300), NORMAL, f"E-{side}")
        Client.objects.filter(pk=client.pk).update(updated_at=f.noon(day - dt.timedelta(days=9)))
        Case.objects.filter(client=client).update(updated_at=f.noon(day))
        made[side] = client
    run, _ = retention_run(actor=None, municipality=tree.vaxjo, dry_run=False, today=today)
    assert run.counts == {"client": 2}
    assert [s for s, c in made.items() if _is_reduced(c)] == ["day_of", "after"]
