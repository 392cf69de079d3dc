"""Fixtures for quality management: the lex Sarah officer next to the shared staff."""

from __future__ import annotations

import pytest

from insyn.accounts.models import User
from insyn.core.roles import Role
from tests.conftest import Staff, Tree
from tests.factories import user_with_role


@pytest.fixture
def officer(tree: Tree, staff: Staff, catalogues: None) -> User:
    """Växjö's lex Sarah officer (membership on the administration, like the quality lead)."""
    return user_with_role(Role.LEX_SARAH_OFFICER, tree.aov, username="lexsarah")
