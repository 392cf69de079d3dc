"""`insyn catalogues list [NAME]`: a newcomer finds the codes an import file needs."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from insyn.clients.models import CaseSource


def _run(*args: str) -> list[list[str]]:
    out = StringIO()
    call_command("catalogues", "list", *args, stdout=out)
    return [line.split("\t") for line in out.getvalue().splitlines()]


def test_names_every_shipped_catalogue_with_its_title_and_size(catalogues):
    rows = {row[0]: row[1:] for row in _run()}
    assert rows["intervention-types"][0] == "Insatstyper"
    assert rows["non-response-reasons"][1] == "5"
    for name in ("legal-bases", "case-sources", "end-reasons", "options", "score-bands"):
        assert name in rows


def test_lists_a_catalogues_codes_and_labels(catalogues):
    assert ["moved", "Flyttat"] in _run("non-response-reasons")
    assert ["audit-frequency", "0", "Aldrig"] in _run("options")  # a composite code
    assert _run("followup.NonResponseReason") == _run("non-response-reasons")


def test_an_inactive_row_is_marked(catalogues):
    CaseSource.objects.create(code="t-old", name="Gammal källa", active=False)
    assert ["t-old", "Gammal källa", "inaktiv"] in _run("case-sources")


def test_an_unknown_catalogue_is_an_error_that_points_to_the_list(catalogues):
    with pytest.raises(CommandError, match="Okänd katalog: nope"):
        _run("nope")
