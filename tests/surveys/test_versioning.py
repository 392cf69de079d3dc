"""One versioning rule (core.versioning), observed the same through programmes and
questionnaires: a designer clicks "new version", "publish" and "retire" on either page and the
same thing happens. Each test runs once per kind and asserts identical behaviour."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import models
from django.test import Client
from django.urls import reverse

from insyn.core.models import ChangeEntry
from insyn.followup.models import Programme
from insyn.organisations.models import OrgUnit
from insyn.surveys.models import Questionnaire
from insyn.surveys.services import questionnaires as q_services
from tests.followup.factories import programme

pytestmark = pytest.mark.usefixtures("catalogues")

QUESTIONNAIRE_YAML = """\
key: vaxjo-enkat
version: 1
status: published
name: Växjös enkät
sections:
- key: s1
  title: Om stödet
  questions:
  - key: q1
    type: yes_no
    text: Fick du det stöd du behövde?
"""


@dataclass
class Kind:
    model: type[Programme] | type[Questionnaire]
    make_published: Callable[[OrgUnit], models.Model]
    action_url: Callable[[int], str]
    page_url: Callable[[int], str]
    object_type: str


def _published_programme(owner: OrgUnit) -> Programme:
    return programme(owner, key="vaxjo-enkat")


def _published_questionnaire(owner: OrgUnit) -> Questionnaire:
    questionnaire, _what = q_services.questionnaire_import(
        actor=None, text=QUESTIONNAIRE_YAML, owner=owner
    )
    return questionnaire


KINDS = {
    "programme": Kind(
        Programme,
        _published_programme,
        lambda pk: reverse("followup:programme_action", args=[pk]),
        lambda pk: reverse("followup:programme", args=[pk]),
        "followup.programme",
    ),
    "questionnaire": Kind(
        Questionnaire,
        _published_questionnaire,
        lambda pk: reverse("surveys:questionnaire", args=[pk]),
        lambda pk: reverse("surveys:questionnaire", args=[pk]),
        "surveys.questionnaire",
    ),
}


@pytest.fixture(params=list(KINDS))
def kind(request) -> Kind:
    return KINDS[request.param]


@pytest.fixture
def designer(login, staff) -> Client:
    """The quality lead of the Växjö administration that owns both designs, reading English."""
    client = login(staff.quality_lead)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _op(client: Client, kind: Kind, pk: int, op: str) -> tuple[str, str]:
    """POST an action as the page's button does; where it leads and the page shown there
    (with the message the action left)."""
    response = client.post(kind.action_url(pk), {"op": op})
    assert response.status_code == 302
    return response["Location"], client.get(response["Location"]).content.decode()


def _statuses(kind: Kind) -> dict[int, str]:
    return dict(kind.model.objects.filter(key="vaxjo-enkat").values_list("version", "status"))


def test_new_version_while_a_draft_exists_returns_that_draft(kind, tree, designer):
    v1 = kind.make_published(tree.aov)
    client = designer
    first, _page = _op(client, kind, v1.pk, "new_version")
    again, _page = _op(client, kind, v1.pk, "new_version")
    v2 = kind.model.objects.get(key="vaxjo-enkat", version=2)
    assert first == again == kind.page_url(v2.pk)
    assert (v2.status, v2.previous_id) == ("draft", v1.pk)
    assert _statuses(kind) == {1: "published", 2: "draft"}  # one draft, not two
    _op(client, kind, v2.pk, "new_version")  # asked on the draft itself: still that draft
    assert kind.model.objects.filter(key="vaxjo-enkat").count() == 2


def test_retiring_withdraws_every_published_version(kind, tree, designer):
    v1 = kind.make_published(tree.aov)
    client = designer
    _op(client, kind, v1.pk, "new_version")
    v2 = kind.model.objects.get(key="vaxjo-enkat", version=2)
    _op(client, kind, v2.pk, "publish")
    _op(client, kind, v2.pk, "new_version")
    assert _statuses(kind) == {1: "published", 2: "published", 3: "draft"}
    _op(client, kind, v2.pk, "retire")
    assert _statuses(kind) == {1: "retired", 2: "retired", 3: "draft"}  # the draft is left
    retired = ChangeEntry.objects.filter(object_type=kind.object_type, action="retire")
    assert sorted(retired.values_list("object_id", flat=True)) == sorted([str(v1.pk), str(v2.pk)])
    _where, page = _op(client, kind, v1.pk, "retire")
    assert "Only a published version can be retired." in page
    assert _statuses(kind) == {1: "retired", 2: "retired", 3: "draft"}


def test_publishing_is_refused_when_a_newer_version_is_published(kind, tree, designer):
    v1 = kind.make_published(tree.aov)
    client = designer
    _op(client, kind, v1.pk, "new_version")
    v2 = kind.model.objects.get(key="vaxjo-enkat", version=2)
    _op(client, kind, v2.pk, "publish")
    # an older draft, as an import of an earlier file may leave behind
    kind.model.objects.filter(pk=v1.pk).update(status="draft", published_at=None)
    published = ChangeEntry.objects.filter(object_type=kind.object_type, action="publish")
    entries = published.count()
    _where, page = _op(client, kind, v1.pk, "publish")
    assert "A newer version is already published." in page
    assert _statuses(kind) == {1: "draft", 2: "published"}
    _where, page = _op(client, kind, v2.pk, "publish")
    assert "Only a draft can be published." in page
    assert published.count() == entries  # nothing happened, nothing logged
