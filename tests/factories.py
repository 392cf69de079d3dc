"""Factories for tests: objects are built through the same services the product uses."""

from __future__ import annotations

import factory

from insyn.accounts.models import User
from insyn.core.roles import Role
from insyn.organisations import services as org_services
from insyn.organisations.models import Membership, OrgUnit

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.se")

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save(update_fields=["password"])


def org_unit(parent: OrgUnit | None, code: str, name: str, kind: str) -> OrgUnit:
    existing = OrgUnit.objects.filter(parent=parent, code=code).first()
    if existing:
        return existing
    return org_services.org_unit_create(actor=None, parent=parent, code=code, name=name, kind=kind)


def member(user: User, unit: OrgUnit, role: str | Role) -> Membership:
    membership = org_services.membership_grant(actor=None, user=user, org_unit=unit, role=str(role))
    user.__dict__.pop("_insyn_granted_paths", None)
    user.__dict__.pop("_insyn_2fa_required", None)
    return membership


def user_with_role(role: str | Role, unit: OrgUnit, **kwargs: object) -> User:
    organisation = unit.municipality or unit
    user = UserFactory(organisation=organisation, **kwargs)
    member(user, unit, role)
    return user
