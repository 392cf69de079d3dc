"""Programme export and import (YAML). The rules are in docs/programme-format.md:

- Export writes one version (the newest unless told) in the canonical form.
- Import of a key+version that does not exist creates it as a draft (or published with
  `publish`). Importing a version that exists and is identical changes nothing, so a file can
  be imported twice. A version that exists and differs is refused, unless `new_version` is
  given: then the file becomes a new draft version numbered after the newest one.
- Option sets travel with the programme. A set that exists under the same key must have the
  same options; otherwise the import is refused (option set keys are shared by everyone).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope
from insyn.followup.models import OptionSet, Programme
from insyn.followup.programme_yaml import dump_spec, load_spec
from insyn.followup.services.design import programme_build, programme_publish
from insyn.followup.services.design_items import option_set_save
from insyn.followup.spec import (
    ProgrammeSpec,
    option_set_problems,
    option_set_spec,
    spec_from_programme,
    unit_code_path,
    unit_from_code_path,
)
from insyn.organisations.models import OrgUnit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User


def programme_export(programme: Programme) -> str:
    return dump_spec(spec_from_programme(programme))


@dataclass
class ImportResult:
    programme: Programme
    action: str  # "created", "unchanged" or "new_version"
    option_sets_created: list[str] = field(default_factory=list)


def _differences(a: ProgrammeSpec, b: ProgrammeSpec) -> list[str]:
    return [
        f.name
        for f in dataclasses.fields(ProgrammeSpec)
        if f.name != "option_sets" and getattr(a, f.name) != getattr(b, f.name)
    ]


@transaction.atomic
def programme_import(
    *,
    actor: User | AnonymousUser | None,
    text: str,
    owner: OrgUnit | None = None,
    new_version: bool = False,
    publish: bool = False,
) -> ImportResult:
    """Read a programme file and create it; all or nothing (see the module docstring)."""
    spec = load_spec(text)
    spec.intervention_types = sorted(set(spec.intervention_types))
    spec.units = sorted(set(spec.units))
    if owner is None:
        owner = unit_from_code_path(spec.owner)
        if owner is None:
            raise ValidationError(
                [
                    _("owner: Unknown organisation unit %(path)s. Give the owner explicitly.")
                    % {"path": spec.owner}
                ]
            )
    spec.owner = unit_code_path(owner)
    ensure_in_scope(actor, Action.DESIGN, owner.path)

    errors: list[str] = []
    to_create = []
    for i, os_spec in enumerate(spec.option_sets, start=1):
        for name, messages in option_set_problems(os_spec).items():
            errors.extend(f"option_sets[{i}].{name}: {m}" for m in messages)
        existing_set = OptionSet.objects.filter(key=os_spec.key).first()
        if existing_set is None:
            to_create.append(os_spec)
        elif option_set_spec(existing_set) != os_spec:
            errors.append(
                f"option_sets[{i}]: "
                + _(
                    "An option set %(key)s already exists with other options. "
                    "Give the set in the file another key."
                )
                % {"key": os_spec.key}
            )
    if errors:
        raise ValidationError(errors)

    versions = Programme.objects.filter(key=spec.key)
    if versions.exists():
        first = versions.select_related("owner").first()
        assert first is not None
        ensure_in_scope(actor, Action.DESIGN, first.owner.path)
    existing = versions.filter(version=spec.version).first()
    action = "created"
    previous = versions.order_by("-version").first()
    if existing is not None:
        current = spec_from_programme(existing)
        differs = _differences(current, spec)
        if not differs:
            if publish and existing.status == Programme.Status.DRAFT:
                programme_publish(actor=actor, programme=existing)
            return ImportResult(existing, "unchanged")
        if not new_version:
            raise ValidationError(
                [
                    _(
                        "Version %(version)s of %(key)s already exists and differs "
                        "(%(fields)s). Import it as a new version instead."
                    )
                    % {"version": spec.version, "key": spec.key, "fields": ", ".join(differs)}
                ]
            )
        spec.version = (versions.aggregate(m=Max("version"))["m"] or 0) + 1
        action = "new_version"

    created_sets = []
    for os_spec in to_create:
        option_set_save(actor=actor, spec=os_spec, owner=owner)
        created_sets.append(os_spec.key)
    programme = programme_build(actor=actor, spec=spec, owner=owner, previous=previous)
    if publish:
        programme_publish(actor=actor, programme=programme)
    return ImportResult(programme, action, created_sets)
