"""What `insyn catalogues list [NAME]` shows: every catalogue the apps ship as YAML, by a
stable name, and a catalogue's rows by their code (the natural key the import files and the
catalogue files use) and label.

A catalogue's name is its model's English plural as a slug ("intervention-types"), so it is
the same whatever language the command runs in; the model label ("clients.InterventionType")
is accepted too. Catalogues hold no personal data; a model that says it does is left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from django.apps import apps
from django.db import models
from django.utils import translation
from django.utils.text import slugify

from insyn.core.catalogue_loader import catalogue_files, natural_key_fields


@dataclass(frozen=True)
class Catalogue:
    name: str
    model: type[models.Model]

    @property
    def title(self) -> str:
        """The plural name in the active language ("Insatstyper")."""
        text = str(self.model._meta.verbose_name_plural)
        return text[:1].upper() + text[1:]

    @property
    def label(self) -> str:
        return self.model._meta.label


@dataclass(frozen=True)
class CatalogueRow:
    key: tuple[str, ...]
    label: str
    active: bool


def catalogues() -> list[Catalogue]:
    """Every catalogue model the shipped YAML files load, in loading order."""
    found: list[Catalogue] = []
    seen: set[type[models.Model]] = set()
    for path in catalogue_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        for section in data if isinstance(data, list) else [data]:
            model = apps.get_model(section["model"])
            if model in seen or getattr(model, "PERSONAL_DATA", False):
                continue
            seen.add(model)
            with translation.override("en"):
                name = slugify(str(model._meta.verbose_name_plural))
            found.append(Catalogue(name, model))
    return found


def catalogue_named(name: str) -> Catalogue | None:
    wanted = name.strip().lower()
    for catalogue in catalogues():
        if wanted in (catalogue.name, catalogue.label.lower()):
            return catalogue
    return None


def _key_part(obj: models.Model, field_name: str) -> str:
    value = getattr(obj, field_name)
    if isinstance(value, models.Model):  # a composite key names its parent by its own key
        return " ".join(_key_part(value, f) for f in natural_key_fields(type(value)))
    return str(value)


def _label(obj: models.Model) -> str:
    for attribute in ("display", "label", "title", "name"):
        value = getattr(obj, attribute, None)
        if isinstance(value, str) and value:
            return value
    return str(obj)


def catalogue_rows(catalogue: Catalogue) -> list[CatalogueRow]:
    keys = natural_key_fields(catalogue.model)
    return [
        CatalogueRow(
            tuple(_key_part(obj, k) for k in keys),
            _label(obj),
            bool(getattr(obj, "active", True)),
        )
        for obj in catalogue.model._default_manager.all()
    ]
