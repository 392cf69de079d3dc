"""Survey test data: the shipped templates, a placement programme whose end stage asks the case
worker, the child and the guardian, and ended placements enrolled through the real services."""

from __future__ import annotations

import datetime as dt
import itertools

from insyn.clients.models import Provider
from insyn.followup.models import Occasion, Programme, Stage
from insyn.followup.services import enrollment_create
from insyn.organisations.models import OrgUnit
from insyn.surveys.models import Questionnaire, Response, StageQuestionnaire
from insyn.surveys.services.responses import expected_responses_ensure
from insyn.surveys.services.shipped import templates_load
from tests.followup.factories import catalogue_basics, intervention

PLACEMENT = "placering-barn-unga"
IFO = "ifo-brukarundersokning"
_seq = itertools.count(1)


def load_templates(nation: OrgUnit) -> dict[str, Questionnaire]:
    templates_load(owner=nation)
    return {q.key: q for q in Questionnaire.objects.all()}


def placement_programme(
    owner: OrgUnit, questionnaire: Questionnaire, key: str = "placering"
) -> Programme:
    basics = catalogue_basics()
    p = Programme.objects.create(
        key=key,
        name="Uppföljning av placering barn och unga",
        owner=owner,
        status=Programme.Status.PUBLISHED,
        auto_enroll=False,
    )
    p.intervention_types.set([basics["hvb"]])
    end = Stage.objects.create(
        programme=p,
        key="after",
        name="Vid avslut",
        kind="after",
        anchor="intervention_end",
        offset_days=0,
        window_before_days=14,
        window_after_days=60,
    )
    for i, role in enumerate(("case_worker", "child", "guardian")):
        StageQuestionnaire.objects.create(
            stage=end, questionnaire=questionnaire, respondent_role=role, sort_order=i
        )
    return p


def provider(name: str) -> Provider:
    n = next(_seq)
    return Provider.objects.create(
        code=f"p{n}", name=name, kind=Provider.Kind.EXTERNAL, org_number=f"55{n:08d}"
    )


def placement(
    programme: Programme,
    unit: OrgUnit,
    *,
    care_home: Provider | None = None,
    ended_on: dt.date | None = None,
    birth_date: dt.date = dt.date(2010, 3, 1),
) -> Occasion:
    """An ended placement, enrolled, with its end occasion and expected responses."""
    ended_on = ended_on or dt.date.today() - dt.timedelta(days=3)
    iv = intervention(
        unit,
        catalogue_basics()["hvb"],  # type: ignore[arg-type]
        started_on=ended_on - dt.timedelta(days=200),
        ended_on=ended_on,
        birth_date=birth_date,
    )
    if care_home is not None:
        iv.provider = care_home
        iv.save(update_fields=["provider"])
    enrollment = enrollment_create(actor=None, programme=programme, intervention=iv)
    occasion = enrollment.occasions.get(stage__key="after")
    expected_responses_ensure(actor=None, occasion=occasion)
    return occasion


def response_for(occasion: Occasion, role: str) -> Response:
    return occasion.survey_responses.get(respondent_role=role)
