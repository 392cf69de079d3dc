"""No personnummer in clear anywhere: register (web and API), search, and import (CLI and web)
with known numbers, then scan every text column of every table, the log output, and the
pages, API responses and CSV exports for the 10- and 12-digit forms."""

from __future__ import annotations

import datetime as dt
import json
import logging
from io import StringIO

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from insyn.clients.models import Client
from insyn.core.roles import Role
from tests.clients import factories as f
from tests.factories import user_with_role

EXAMPLE_NUMBERS = ["198503152467", "197211029157", "201004684765"]


def _forms(number12: str) -> list[str]:
    ten = number12[2:]
    return [ten, f"{number12[:8]}-{number12[8:]}", f"{ten[:6]}-{ten[6:]}", f"{ten[:6]}+{ten[6:]}"]


def _text_columns() -> list[tuple[type[models.Model], str]]:
    kinds = (models.CharField, models.TextField, models.JSONField)
    return [
        (model, field.attname)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, kinds)
    ]


def _leaks(text: str, numbers: list[str]) -> list[str]:
    return [form for n in numbers for form in _forms(n) if form in text]


def test_no_personnummer_in_clear_anywhere(
    login, tree, staff, addiction_programme, examples, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG)
    web_number = f.personnummer(dt.date(1982, 2, 14), female=True)
    api_number = f.personnummer(dt.date(1993, 9, 9))
    reserve_typed = f.personnummer(dt.date(1999, 1, 1))
    numbers = [web_number, api_number, reserve_typed, *EXAMPLE_NUMBERS]
    shown: list[str] = []

    cw = login(staff.case_worker)
    # Web registration (with a hyphen), a duplicate attempt, and searches by number.
    hyphenated = f"{web_number[:8]}-{web_number[8:]}"
    cw.post(
        reverse("clients:client_register"), {"personnummer": hyphenated, "unit": tree.vux_unit.pk}
    )
    shown.append(
        cw.post(
            reverse("clients:client_register"),
            {"personnummer": web_number, "unit": tree.vux_unit.pk},
        ).content.decode()
    )
    shown.append(
        cw.post(
            reverse("clients:client_list"), {"personnummer": web_number}, follow=True
        ).content.decode()
    )
    # Typed into the reference search (a GET form) by mistake.
    shown.append(
        cw.get(reverse("clients:client_list"), {"q": web_number}, follow=True).content.decode()
    )
    # Free text and references that hold a number are refused, not stored.
    shown.append(
        cw.post(
            reverse("clients:client_register"),
            {
                "no_number": "on",
                "birth_date": "1999-01-01",
                "sex": "K",
                "unit": tree.vux_unit.pk,
                "client_ref": reserve_typed,
            },
        ).content.decode()
    )
    # API registration and lookup.
    created = cw.post(
        "/api/clients/",
        json.dumps({"unit": tree.vux_unit.pk, "personnummer": api_number}),
        content_type="application/json",
    )
    assert created.status_code == 201
    shown.append(created.content.decode())
    shown.append(
        cw.post(
            "/api/clients/lookup/",
            json.dumps({"personnummer": api_number}),
            content_type="application/json",
        ).content.decode()
    )
    # Import from the command line, then the same files through the web.
    out, err = StringIO(), StringIO()
    call_command("import", str(examples), "--municipality", "0780", stdout=out, stderr=err)
    shown += [out.getvalue(), err.getvalue()]
    head = login(user_with_role(Role.UNIT_MANAGER, tree.aov, username="head"))
    files = [
        SimpleUploadedFile(f"{n}.csv", (examples / f"{n}.csv").read_bytes())
        for n in ("clients", "cases", "interventions", "measurements", "goals")
    ]
    page = head.post(
        reverse("imports:upload"), {"municipality": tree.vaxjo.pk, "upload": files}, follow=True
    )
    shown.append(page.content.decode())
    shown.append(
        head.post(page.redirect_chain[-1][0], {"op": "confirm"}, follow=True).content.decode()
    )
    assert Client.objects.count() == 6

    # Everything a user or client program can read back.
    for url in [
        "/api/clients/",
        "/api/cases/",
        "/api/interventions/",
        reverse("clients:client_list"),
        reverse("clients:case_list"),
    ]:
        shown.append(cw.get(url).content.decode())
    for client in Client.objects.all():
        shown.append(cw.get(f"/api/clients/{client.pk}/").content.decode())
        shown.append(cw.get(reverse("clients:client_detail", args=[client.pk])).content.decode())
    quality = login(staff.quality_lead)
    for log in ("access", "change"):
        export = quality.get(reverse("core:audit_export"), {"log": log})
        shown.append(b"".join(export.streaming_content).decode("utf-8"))

    assert _leaks(f"x{hyphenated}x", numbers)  # the scan does find a number
    assert _leaks("\n".join(shown), numbers) == []
    assert _leaks(caplog.text, numbers) == []
    for model, column in _text_columns():
        for value in model._default_manager.values_list(column, flat=True):
            if value:
                text = value if isinstance(value, str) else json.dumps(value)
                assert _leaks(text, numbers) == [], f"{model._meta.label}.{column}"
