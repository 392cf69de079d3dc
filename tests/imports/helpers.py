"""Helpers for import tests: copies of the example files to change, and a picture of the
database to compare before and after."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.apps import apps

from insyn.core.models import AccessEntry, ChangeEntry
from insyn.imports.formats import read_path
from insyn.imports.pipeline import run_import
from insyn.imports.report import Report

DATA_APPS = ("clients", "followup")


def copy_examples(examples: Path, target: Path) -> Path:
    folder = target / "import"
    shutil.copytree(examples, folder)
    return folder


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def database_state() -> dict[str, Any]:
    """Every row of every clients/follow-up table, and the audit trail's change entries."""
    state: dict[str, Any] = {}
    for label in DATA_APPS:
        for model in apps.get_app_config(label).get_models():
            state[model._meta.label] = list(model._default_manager.order_by("pk").values())
    state["changes"] = list(ChangeEntry.objects.order_by("pk").values_list("pk", flat=True))
    return state


def import_folder(
    folder: Path, municipality: Any, *, dry_run: bool = False, actor: Any = None
) -> Report:
    return run_import(read_path(folder), municipality=municipality, actor=actor, dry_run=dry_run)


__all__ = ["AccessEntry", "copy_examples", "database_state", "edit", "import_folder"]
