from __future__ import annotations

from pathlib import Path

import pytest

from insyn.clients.models import InterventionType
from tests.followup.factories import programme

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "import-examples"


@pytest.fixture
def examples() -> Path:
    return EXAMPLES


@pytest.fixture
def addiction_programme(tree, catalogues):
    """The programme the example files measure in (key "missbruk"), owned by Växjö."""
    types = list(
        InterventionType.objects.filter(code__in=["opv_adults_structured", "opv_adults_relapse"])
    )
    return programme(tree.vaxjo, key="missbruk", types=types)
