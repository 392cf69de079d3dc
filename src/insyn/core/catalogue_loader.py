"""Load catalogues from YAML (ARCHITECTURE rule 6): upsert by natural key, so loading is
idempotent and a municipality's own additions survive a reload.

A file holds one section or a list of them:

    model: clients.InterventionType
    key: code                      # or a list for composite keys: [option_set, code]
    rows:
      - {code: hvb, name: HVB, group: placement, is_placement: true}

Foreign keys and many-to-many fields are given by the related row's natural key: `code`, or
`key` for models that have one (OptionSet, Instrument), or a composite as a list.
Files live in src/insyn/<app>/fixtures/catalogues/*.yaml and load in app order, then by name.

A higher app whose data hangs on a catalogue row registers a change hook (`on_row_changed`) at
start-up: it is called inside the load's transaction with the row and its fields' values before
the change, so the app can carry its records over (followup moves instrument answers to an
item's new answer set) or refuse the load with a ValidationError.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction

RowHook = Callable[[models.Model, dict[str, Any]], None]
_row_hooks: dict[str, list[RowHook]] = {}


def on_row_changed(model_label: str, hook: RowHook) -> None:
    """Call `hook(row, before)` after a load changes a row of `model_label` ("app.Model");
    `before` holds the changed fields' previous values."""
    hooks = _row_hooks.setdefault(model_label.lower(), [])
    if hook not in hooks:
        hooks.append(hook)


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    files: list[str] = field(default_factory=list)


def natural_key_fields(model: type[models.Model]) -> list[str]:
    names = {f.name for f in model._meta.get_fields()}
    declared = getattr(model, "NATURAL_KEY", None)
    if declared:
        return list(declared)
    if "code" in names:
        return ["code"]
    if "key" in names:
        return ["key"]
    raise ValidationError(f"{model._meta.label} has no natural key")


def _lookup(model: type[models.Model], value: Any) -> models.Model:
    keys = natural_key_fields(model)
    values = value if isinstance(value, list) else [value]
    if len(values) != len(keys):
        raise ValidationError(f"{model._meta.label}: expected a key of {keys}, got {value!r}")
    criteria: dict[str, Any] = {}
    for name, v in zip(keys, values, strict=True):
        f = model._meta.get_field(name)
        if f.is_relation:
            criteria[name] = _lookup(f.related_model, v)  # type: ignore[arg-type]
        else:
            criteria[name] = v
    try:
        return model._default_manager.get(**criteria)
    except model.DoesNotExist as exc:  # type: ignore[attr-defined]
        raise ValidationError(f"{model._meta.label} {value!r} does not exist") from exc


def load_section(section: dict[str, Any], result: LoadResult) -> None:
    model = apps.get_model(section["model"])
    key = section.get("key") or natural_key_fields(model)
    keys = key if isinstance(key, list) else [key]
    for row in section.get("rows", []):
        plain: dict[str, Any] = {}
        m2m: dict[str, list[models.Model]] = {}
        for name, value in row.items():
            f = model._meta.get_field(name)
            if f.many_to_many:
                m2m[name] = [_lookup(f.related_model, v) for v in value or []]
            elif f.is_relation:
                plain[name] = None if value is None else _lookup(f.related_model, value)
            else:
                plain[name] = value
        criteria = {k: plain.pop(k) for k in keys}
        obj = model._default_manager.filter(**criteria).first()
        if obj is None:
            obj = model._default_manager.create(**criteria, **plain)
            result.created += 1
        else:
            changed = [k for k, v in plain.items() if getattr(obj, k) != v]
            before = {k: getattr(obj, k) for k in changed}
            for k in changed:
                setattr(obj, k, plain[k])
            if changed:
                obj.save(update_fields=changed)
                result.updated += 1
                for hook in _row_hooks.get(model._meta.label_lower, []):
                    hook(obj, before)
            else:
                result.unchanged += 1
        for name, related in m2m.items():
            getattr(obj, name).set(related)


def catalogue_files(app_labels: Iterable[str] | None = None) -> list[Path]:
    files: list[Path] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("insyn."):
            continue
        if app_labels and config.label not in app_labels:
            continue
        folder = Path(config.path) / "fixtures" / "catalogues"
        files.extend(sorted(folder.glob("*.yaml")))
    return files


@transaction.atomic
def load_catalogues(app_labels: Iterable[str] | None = None) -> LoadResult:
    result = LoadResult()
    for path in catalogue_files(app_labels):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        sections = data if isinstance(data, list) else [data]
        for section in sections:
            load_section(section, result)
        result.files.append(path.name)
    return result
