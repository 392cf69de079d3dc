"""The personal iCalendar feed: RFC 5545 text (CRLF, lines of at most 75 octets, escaping,
stable UIDs, DTSTAMP, all-day events), reached by a secret token without logging in; a
renewed token leaves the old address answering 404; each token shows only its own user's
tasks and open action items."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from insyn.quality.models import CalendarFeed
from insyn.quality.services import action_plans
from insyn.quality.services import cycle as services
from insyn.quality.services.cycle_ical import CalendarEvent, calendar_text, escape, fold
from tests.quality import action_plans_factories as ap
from tests.quality import cycle_factories as f

pytestmark = pytest.mark.usefixtures("english", "catalogues")


def unfold(text: str) -> list[str]:
    """Content lines as RFC 5545 3.1 says: a CRLF followed by a space or tab continues."""
    assert "\n" not in text.replace("\r\n", "")
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")[:-1]


def events(text: str) -> list[dict[str, str]]:
    out, current = [], None
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            out.append(current)
            current = None
        elif current is not None:
            name, _sep, value = line.partition(":")
            current[name] = value
    return out


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def test_escaping_and_folding_unit():
    assert escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    long = "SUMMARY:" + "å" * 100  # two octets each
    folded = fold(long)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == long
    text = calendar_text(
        "Namn, med; tecken",
        [CalendarEvent(uid="x@y", day=dt.date(2026, 2, 28), summary="Möte, kl 10; rum\nB")],
        dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC),
    )
    assert text.endswith("END:VCALENDAR\r\n")
    (event,) = events(text)
    assert event["DTSTART;VALUE=DATE"] == "20260228" and event["DTEND;VALUE=DATE"] == "20260301"
    assert event["DTSTAMP"] == "20260101T120000Z"
    assert unescape(event["SUMMARY"]) == "Möte, kl 10; rum\nB"


def _feed_url(user) -> str:
    return reverse("quality:cycle_feed", args=[services.feed_for(user).token])


def test_feed_has_the_users_tasks_and_action_items(client, tree, staff):
    title = "Kvalitetsberättelse, del 1; sammanställning " + " ".join(["lång"] * 20)
    f.activity(
        tree.vux_unit,
        title=title,
        description="Rad ett\nRad två, med komma",
        responsible=staff.case_worker,
        frequency="quarterly",
        month=1,
        day=31,
    )
    f.activity(tree.vux_unit, title="Någon annans", responsible=staff.unit_manager)
    f.tasks(timezone.localdate().year)
    plan = ap.plan(tree.vux_unit, staff.unit_manager)
    item = ap.item(plan, staff.case_worker, due_in=5, activity="Skriv rutin, snabbt")
    done = ap.item(plan, staff.case_worker, due_in=6, activity="Redan klar")
    action_plans.action_item_transition(actor=None, item=done, action="complete", result="Ok")
    response = client.get(_feed_url(staff.case_worker))  # no login
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode("utf-8")
    assert "\r\n" in text and text.count("\n") == text.count("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(x.startswith("PRODID:") for x in lines)
    evs = events(text)
    summaries = [unescape(e["SUMMARY"]) for e in evs]
    assert summaries.count(title) == 4
    assert "Någon annans" not in summaries
    assert "Skriv rutin, snabbt" in summaries and "Redan klar" not in summaries
    assert all("DTSTAMP" in e and "UID" in e and "DTSTART;VALUE=DATE" in e for e in evs)
    assert len({e["UID"] for e in evs}) == len(evs)
    first = next(e for e in evs if unescape(e["SUMMARY"]) == title)
    assert "Rad ett\nRad två, med komma" in unescape(first["DESCRIPTION"])
    assert any(e["UID"].startswith(f"action-item-{item.pk}@") for e in evs)
    # stable: the same UIDs the next time
    again = events(client.get(_feed_url(staff.case_worker)).content.decode())
    assert [e["UID"] for e in again] == [e["UID"] for e in evs]


def test_another_users_token_shows_only_their_tasks(client, tree, staff):
    f.activity(tree.vux_unit, title="Mitt", responsible=staff.case_worker)
    f.activity(tree.vux_unit, title="Chefens", responsible=staff.unit_manager)
    f.tasks(timezone.localdate().year)
    mine = [
        unescape(e["SUMMARY"])
        for e in events(client.get(_feed_url(staff.case_worker)).content.decode())
    ]
    theirs = [
        unescape(e["SUMMARY"])
        for e in events(client.get(_feed_url(staff.unit_manager)).content.decode())
    ]
    assert mine == ["Mitt"] and theirs == ["Chefens"]


def test_renewal_makes_the_old_address_404(client, login, tree, staff):
    old = _feed_url(staff.case_worker)
    assert client.get(old).status_code == 200
    login(staff.case_worker)
    page = client.get(reverse("quality:cycle_feed_page"))
    assert page.status_code == 200 and old.encode() in page.content
    response = client.post(reverse("quality:cycle_feed_page"))
    assert response.status_code == 302
    client.logout()
    assert client.get(old).status_code == 404
    new = _feed_url(staff.case_worker)
    assert new != old and client.get(new).status_code == 200
    assert CalendarFeed.objects.count() == 1


def test_unknown_and_inactive_tokens_404(client, tree, staff):
    assert client.get(reverse("quality:cycle_feed", args=["nope"])).status_code == 404
    url = _feed_url(staff.case_worker)
    staff.case_worker.is_active = False
    staff.case_worker.save()
    assert client.get(url).status_code == 404
