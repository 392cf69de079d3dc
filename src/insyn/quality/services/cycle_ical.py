"""The iCalendar (RFC 5545) text of a user's calendar feed, written by hand (no dependency):
each cycle task and open action item as an all-day VEVENT with a stable UID, so a calendar
app updates the event instead of adding a copy. Text is escaped (backslash, semicolon, comma,
newline), lines are folded at 75 octets without splitting a UTF-8 character, and every line
ends with CRLF. The feed names no client: activity titles and action items are org data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

MAX_OCTETS = 75
PRODID = "-//insyn//Annual cycle//SV"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    day: dt.date
    summary: str
    description: str = ""
    url: str = ""
    status: str = "CONFIRMED"  # CONFIRMED / TENTATIVE / CANCELLED
    categories: str = ""


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11)."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets, continuation lines starting
    with one space (which counts), never inside a UTF-8 character."""
    out: list[str] = []
    current, size, limit = "", 0, MAX_OCTETS
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append(current)
            current, size, limit = "", 0, MAX_OCTETS - 1
        current += ch
        size += n
    out.append(current)
    return "\r\n ".join(out)


def _date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def calendar_text(name: str, events: Iterable[CalendarEvent], now: dt.datetime) -> str:
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for e in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{e.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{_date(e.day)}",
            f"DTEND;VALUE=DATE:{_date(e.day + dt.timedelta(days=1))}",
            f"SUMMARY:{escape(e.summary)}",
        ]
        if e.description:
            lines.append(f"DESCRIPTION:{escape(e.description)}")
        if e.categories:
            lines.append(f"CATEGORIES:{escape(e.categories)}")
        if e.url:
            lines.append(f"URL:{e.url}")
        lines += [f"STATUS:{e.status}", "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
