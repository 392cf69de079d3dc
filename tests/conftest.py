from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from insyn.accounts.models import User
from insyn.core.roles import Role
from insyn.organisations.models import OrgUnit
from tests.factories import TEST_PASSWORD, org_unit, user_with_role


@dataclass
class Tree:
    """Two municipalities in two regions, with Växjö's social services below it."""

    nation: OrgUnit
    kronoberg: OrgUnit
    kalmar_region: OrgUnit
    vaxjo: OrgUnit
    kalmar: OrgUnit
    aov: OrgUnit
    bof: OrgUnit
    vux: OrgUnit
    bof_unit: OrgUnit
    vux_unit: OrgUnit
    kalmar_unit: OrgUnit


@pytest.fixture
def tree(db: None) -> Tree:
    K = OrgUnit.Kind
    nation = org_unit(None, "0000", "Riket", K.NATION)
    kronoberg = org_unit(nation, "0007", "Region Kronoberg", K.REGION)
    kalmar_region = org_unit(nation, "0008", "Region Kalmar", K.REGION)
    vaxjo = org_unit(kronoberg, "0780", "Växjö", K.MUNICIPALITY)
    kalmar = org_unit(kalmar_region, "0880", "Kalmar", K.MUNICIPALITY)
    aov = org_unit(vaxjo, "AOV", "Arbete och välfärd", K.ADMINISTRATION)
    bof = org_unit(aov, "BOF", "Barn och familj", K.DEPARTMENT)
    vux = org_unit(aov, "VUX", "Vuxen/missbruk", K.DEPARTMENT)
    bof_unit = org_unit(bof, "BOF-UTR", "Utredning barn", K.UNIT)
    vux_unit = org_unit(vux, "VUX-OPV", "Missbruksbehandling", K.UNIT)
    kalmar_sn = org_unit(kalmar, "SOC", "Socialförvaltningen", K.ADMINISTRATION)
    kalmar_unit = org_unit(kalmar_sn, "IFO", "Individ och familj", K.UNIT)
    return Tree(
        nation,
        kronoberg,
        kalmar_region,
        vaxjo,
        kalmar,
        aov,
        bof,
        vux,
        bof_unit,
        vux_unit,
        kalmar_unit,
    )


@dataclass
class Staff:
    case_worker: User
    other_case_worker: User
    unit_manager: User
    quality_lead: User
    analyst: User
    admin: User
    kalmar_case_worker: User
    kalmar_admin: User


@pytest.fixture
def staff(tree: Tree) -> Staff:
    return Staff(
        case_worker=user_with_role(Role.CASE_WORKER, tree.vux_unit, username="cw"),
        other_case_worker=user_with_role(Role.CASE_WORKER, tree.bof_unit, username="cw_bof"),
        unit_manager=user_with_role(Role.UNIT_MANAGER, tree.vux, username="manager"),
        quality_lead=user_with_role(Role.QUALITY_LEAD, tree.aov, username="quality"),
        analyst=user_with_role(Role.ANALYST, tree.kronoberg, username="analyst"),
        admin=user_with_role(Role.ADMIN, tree.vaxjo, username="admin"),
        kalmar_case_worker=user_with_role(Role.CASE_WORKER, tree.kalmar_unit, username="cw_kalmar"),
        kalmar_admin=user_with_role(Role.ADMIN, tree.kalmar, username="admin_kalmar"),
    )


@pytest.fixture
def login(client: Client):
    """Log a user in through the session (the login page itself has its own tests)."""

    def _login(user: User) -> Client:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


@pytest.fixture
def password() -> str:
    return TEST_PASSWORD


@pytest.fixture
def catalogues(db: None) -> None:
    """Every app's shipped catalogues (intervention types, reasons, instruments, …)."""
    from insyn.core.catalogue_loader import load_catalogues

    load_catalogues()


@pytest.fixture
def english():
    """Messages in English, for tests that read them (the product's default language is Swedish)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True, scope="session")
def _static_root() -> None:
    """WhiteNoise warns on every request when STATIC_ROOT is missing (tests serve static files
    through the finders, so an empty directory is all it needs); the noise hid real warnings."""
    from pathlib import Path

    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the product's default language (Swedish). A request made through
    the test client leaves its language active in the thread, so without this a message test
    passed or failed by which test the worker ran before it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True, scope="session")
def _flush_through_the_audit_purge_hatch():
    """Transactional tests (`transaction=True`, `transactional_db`, `live_server`) end with a
    flush: TRUNCATE on PostgreSQL, DELETE on SQLite. The audit tables refuse both outside the
    sanctioned hatch, so the test flush (and only it) goes through `purge_window()`; a raw
    DELETE or TRUNCATE anywhere else still fails (tests/core/test_audit_append_only.py)."""
    from unittest import mock

    from django.db.backends.base.operations import BaseDatabaseOperations

    from insyn.core.purge import purge_window

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: BaseDatabaseOperations, sql_list: list[str]) -> None:
        with purge_window(reason="test flush", using=self.connection.alias):
            original(self, sql_list)

    with mock.patch.object(BaseDatabaseOperations, "execute_sql_flush", execute_sql_flush):
        yield
