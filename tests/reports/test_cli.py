"""`insyn report build|templates`."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from tests.reports import factories as rf


def test_build_html_and_docx_from_the_command_line(tree, staff, tmp_path, capsys):
    rf.world(tree)
    out = tmp_path / "r.html"
    call_command(
        "report",
        "build",
        "--template",
        "default",
        "--year",
        "2024",
        "--municipality",
        "0780",
        "--unit",
        "AOV",
        "--user",
        "quality",
        "--format",
        "html",
        "--output",
        str(out),
    )
    html = out.read_text(encoding="utf-8")
    assert "62,5 %" in html and "Kvalitetsberättelse" in html
    call_command(
        "report",
        "build",
        "--year",
        "2024",
        "--municipality",
        "0780",
        "--user",
        "quality",
        "--format",
        "docx",
        "--output",
        str(tmp_path / "r.docx"),
    )
    assert (tmp_path / "r.docx").read_bytes()[:2] == b"PK"


def test_bad_input_exits_with_a_message(tree, staff, tmp_path):
    with pytest.raises(CommandError, match="--user"):
        call_command(
            "report",
            "build",
            "--year",
            "2024",
            "--municipality",
            "0780",
            "--format",
            "pdf",
            "--output",
            str(tmp_path / "x.pdf"),
        )
    with pytest.raises(CommandError, match="0999"):
        call_command(
            "report",
            "build",
            "--year",
            "2024",
            "--municipality",
            "0999",
            "--user",
            "quality",
            "--format",
            "pdf",
            "--output",
            str(tmp_path / "x.pdf"),
        )
    with pytest.raises(CommandError, match="nope"):
        call_command(
            "report",
            "build",
            "--template",
            "nope",
            "--year",
            "2024",
            "--municipality",
            "0780",
            "--user",
            "quality",
            "--format",
            "pdf",
            "--output",
            str(tmp_path / "x.pdf"),
        )
    with pytest.raises(CommandError, match="42"):
        call_command("report", "build", "--frozen", "42", "--format", "pdf", "--output", "x")


def test_templates_list_and_export(capsys):
    call_command("report", "templates")
    assert "default\tv1\tKvalitetsberättelse" in capsys.readouterr().out
    call_command("report", "templates", "--export", "default")
    assert "key: default" in capsys.readouterr().out
