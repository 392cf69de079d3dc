from __future__ import annotations

from dataclasses import dataclass

import pytest

from insyn.followup.models import Programme
from insyn.surveys import sms
from insyn.surveys.models import Questionnaire
from tests.surveys.factories import IFO, PLACEMENT, load_templates, placement_programme


@dataclass
class Setup:
    placement_q: Questionnaire
    ifo_q: Questionnaire
    programme: Programme


@pytest.fixture
def surveys(tree, catalogues) -> Setup:
    """Shipped questionnaires and a placement programme owned by Växjö."""
    questionnaires = load_templates(tree.nation)
    return Setup(
        questionnaires[PLACEMENT],
        questionnaires[IFO],
        placement_programme(tree.vaxjo, questionnaires[PLACEMENT]),
    )


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _clear_cache(django_db_setup, django_db_blocker):
    """The bad-link throttle counts in the shared cache (a table in the test database);
    every test starts from zero."""
    from django.core.cache import cache

    with django_db_blocker.unblock():
        cache.clear()
    yield
    with django_db_blocker.unblock():
        cache.clear()
