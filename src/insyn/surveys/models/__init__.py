from insyn.surveys.models.design import (
    BbicArea,
    QualityCriterion,
    Question,
    Questionnaire,
    QuestionOption,
    RespondentRole,
    Section,
    StageQuestionnaire,
)
from insyn.surveys.models.records import (
    Answer,
    Invitation,
    InvitationToken,
    MessageLog,
    Response,
    ScheduledMessage,
    SurveyRound,
)

__all__ = [
    "Answer",
    "BbicArea",
    "Invitation",
    "InvitationToken",
    "MessageLog",
    "QualityCriterion",
    "Question",
    "QuestionOption",
    "Questionnaire",
    "RespondentRole",
    "Response",
    "ScheduledMessage",
    "Section",
    "StageQuestionnaire",
    "SurveyRound",
]
