"""User assessments per quality criterion from insyn's own surveys, worded like Kolada's
"Brukarbedömning …" KPIs so they can stand beside them (docs/indicators.md, "Figures from
follow-up, surveys and quality").

`user_assessment:<criterion>[:<question key>]`: of the respondents (the client, child or
guardian; never the case worker) who gave a valid answer to a question tagged with the quality
criterion, the share who answered positively. Positive is the surveys app's own rule
(`Question.POSITIVE_FROM`: 4 or 5 on the five-point scale; "yes" on yes/no), so the figure
matches the survey results page; "don't know / not applicable" is no valid answer. When the
criterion has several questions a respondent counts as positive only if every valid answer they
gave to its questions is positive; name one question to get Kolada's per-question figure.
Responses are counted in the period they were submitted, at the response's unit; sex is the
client's when the response is tied to an enrolment or intervention (anonymous surveys count in
T only).

Survey rounds (the anonymous user survey) are not part of the analysis frames (only responses
tied to a follow-up occasion are), so this reads Response and Answer rows directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from insyn.indicators.computations import Cell, register_family
from insyn.indicators.computations._measures import ComputationError, roll_up, split_param
from insyn.indicators.periods import Period
from insyn.organisations.models import OrgUnit
from insyn.surveys.models import Answer, QualityCriterion, Question, RespondentRole, Response

USER_ASSESSMENT = "user_assessment"
USER_ROLES = (RespondentRole.CLIENT, RespondentRole.CHILD, RespondentRole.GUARDIAN)
TYPES = (Question.Type.SCALE, Question.Type.YES_NO)


def is_positive(question_type: str, number: float) -> bool:
    """The surveys app's rule: 4–5 on the five-point scale, yes (1) on yes/no."""
    if question_type == Question.Type.SCALE:
        return number >= Question.POSITIVE_FROM
    return number >= 1


@dataclass
class UserAssessment:
    name: str

    def resolve(self) -> tuple[QualityCriterion, str]:
        param = split_param(self.name, USER_ASSESSMENT)
        code, _sep, question_key = param.partition(":")
        criterion = QualityCriterion.objects.filter(code=code).first()
        if criterion is None:
            raise ComputationError(
                _("%(name)s: there is no quality criterion with the code %(code)s.")
                % {"name": self.name, "code": code}
            )
        if (
            question_key
            and not Question.objects.filter(
                quality_criterion=criterion, key=question_key, type__in=TYPES
            ).exists()
        ):
            raise ComputationError(
                _(
                    "%(name)s: no scale or yes/no question %(question)s is tagged with the "
                    "quality criterion %(code)s."
                )
                % {"name": self.name, "question": question_key, "code": code}
            )
        return criterion, question_key

    def compute(self, municipality: OrgUnit, period: Period) -> Sequence[Cell]:
        criterion, question_key = self.resolve()
        answers = Answer.objects.filter(
            response__unit__path__startswith=municipality.path,
            response__status=Response.Status.SUBMITTED,
            response__respondent_role__in=USER_ROLES,
            response__submitted_on__gte=period.start,
            response__submitted_on__lte=period.end,
            question__quality_criterion=criterion,
            question__type__in=TYPES,
            unknown=False,
            number__isnull=False,
        )
        if question_key:
            answers = answers.filter(question__key=question_key)
        rows = answers.annotate(
            sex=Coalesce(
                "response__occasion__enrollment__client__sex",
                "response__intervention__case__client__sex",
            )
        ).values_list("response_id", "response__unit__path", "sex", "question__type", "number")
        respondents: dict[int, tuple[str, str | None, bool]] = {}
        for response_id, path, sex, question_type, number in rows:
            if number is None:  # excluded by the filter; for the type checker
                continue
            positive = is_positive(question_type, number)
            earlier = respondents.get(response_id)
            respondents[response_id] = (path, sex, positive and (earlier is None or earlier[2]))
        return roll_up(
            municipality,
            (
                (path, sex, 1.0 if positive else 0.0, 1.0)
                for path, sex, positive in respondents.values()
            ),
        )


register_family(USER_ASSESSMENT, UserAssessment)
