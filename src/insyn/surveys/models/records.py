"""What was asked and answered: rounds, expected responses, answers, invitations and messages.

An identified response belongs to a follow-up occasion and carries the intervention and its
provider, so results can be read per care home. An anonymous response belongs to a survey round
and is linked neither to a client nor to the invitation it came through.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from insyn.core.scoping import ScopedModel, ScopedQuerySet
from insyn.surveys.models.design import Question, Questionnaire, RespondentRole


class SurveyRound(ScopedModel):
    """One round of a user survey (brukarundersökning), usually anonymous."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="rounds"
    )
    unit = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=200)
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["-opens_on", "-id"]

    def __str__(self) -> str:
        return self.name


ANSWERED_BY = {
    "self": _("Answered by the respondent (link)"),
    "dialog": _("Answered in a dialog interview"),
    "neutral": _("Answered to a neutral interviewer"),
}


class Response(ScopedModel):
    """An expected or given response of one respondent; `status` says which."""

    PERSONAL_DATA = True

    class Status(models.TextChoices):
        EXPECTED = "expected", _("Expected")
        SUBMITTED = "submitted", _("Answered")
        NON_RESPONSE = "non_response", _("Non-response")

    class Mode(models.TextChoices):
        SELF = "self", _("Self-completion (link)")
        DIALOG = "dialog", _("Dialog interview with the case worker")
        NEUTRAL = "neutral", _("Neutral interviewer")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="responses"
    )
    respondent_role = models.CharField(
        _("respondent"), max_length=20, choices=RespondentRole.choices
    )
    occasion = models.ForeignKey(
        "followup.Occasion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    intervention = models.ForeignKey(
        "clients.Intervention", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provider = models.ForeignKey(
        "clients.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("provider"),
    )
    round = models.ForeignKey(
        SurveyRound, on_delete=models.PROTECT, null=True, blank=True, related_name="responses"
    )
    unit = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.EXPECTED
    )
    mode = models.CharField(_("answered by"), max_length=10, choices=Mode.choices, blank=True)
    non_response_reason = models.ForeignKey(
        "followup.NonResponseReason",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("non-response reason"),
    )
    note = models.TextField(_("note"), blank=True)
    respondent_age = models.PositiveSmallIntegerField(null=True, blank=True)
    # Anonymous answers keep only the day, so they cannot be matched to an invitation's time.
    submitted_on = models.DateField(_("answered"), null=True, blank=True, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    @property
    def status_label(self) -> str:
        """The status in one phrase, naming how an answer came ("Besvarad i dialogintervju"):
        every page shows this rather than gluing status and mode together, which repeated
        the word ("Besvarad (Besvarad själv (länk))")."""
        if self.status == self.Status.SUBMITTED and self.mode in ANSWERED_BY:
            return str(ANSWERED_BY[self.mode])
        return str(self.get_status_display())

    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["occasion", "respondent_role"],
                condition=models.Q(occasion__isnull=False),
                name="response_once_per_occasion_role",
            )
        ]
        indexes = [models.Index(fields=["questionnaire", "status"])]

    def __str__(self) -> str:
        return f"{self.questionnaire.key} {self.respondent_role} #{self.pk}"

    def audit_client_id(self) -> int | None:
        if self.occasion_id is None:
            return None
        return self.occasion.enrollment.client_id  # type: ignore[union-attr]

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.EXPECTED


class Answer(models.Model):
    """One answer. Scale, yes/no (1/0), number and a single choice's value go in `number`;
    chosen option codes in `choices`; free text in `text`; "don't know" sets `unknown`."""

    PERSONAL_DATA = True

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    number = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True)
    choices = models.JSONField(default=list, blank=True)
    unknown = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once")]

    def __str__(self) -> str:
        return f"{self.question.key}={self.number if self.number is not None else self.text}"

    def audit_client_id(self) -> int | None:
        return self.response.audit_client_id()

    def audit_org_path(self) -> str:
        return self.response.unit.path


class Invitation(ScopedModel):
    """A request to answer through a link. The link tokens are kept only as hashes; any of an
    invitation's links opens it until it is used, revoked or expired."""

    PERSONAL_DATA = True

    class Channel(models.TextChoices):
        HANDED = "handed", _("Handed over (shown once)")
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("Text message")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="invitations"
    )
    respondent_role = models.CharField(
        _("respondent"), max_length=20, choices=RespondentRole.choices
    )
    response = models.ForeignKey(
        Response, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations"
    )
    round = models.ForeignKey(
        SurveyRound, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations"
    )
    unit = models.ForeignKey("organisations.OrgUnit", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    contact = models.CharField(_("e-mail or mobile number"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=5, default="sv")
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("answered"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    draft = models.JSONField(default=dict, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "unit__path"
    AUDIT_EXCLUDE = ("draft", "contact")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.questionnaire.key} {self.respondent_role} #{self.pk}"

    def audit_client_id(self) -> int | None:
        if self.response_id is None or self.response.occasion_id is None:  # type: ignore[union-attr]
            return None
        return self.response.occasion.enrollment.client_id  # type: ignore[union-attr]

    def state(self, now: object) -> str:
        if self.used_at:
            return "used"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= now:  # type: ignore[operator]
            return "expired"
        return "open"


class InvitationToken(models.Model):
    """One link of an invitation: SHA-256 of a random token, never the token itself."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"token of invitation {self.invitation_id}"


class ScheduledMessage(models.Model):
    """An invitation or reminder to send at `send_at`. The sender reads the row when the time
    has come, so edits to text and time apply to whatever has not gone out yet."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        REMINDER = "reminder", _("Reminder")

    class Status(models.TextChoices):
        PENDING = "pending", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not sent")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Failed")

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Invitation.Channel.choices)
    send_at = models.DateTimeField(_("send at"), db_index=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(
        _("text"), help_text=_("{link} is replaced by the personal link when the message is sent.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("scheduled message")
        verbose_name_plural = _("scheduled messages")
        ordering = ["send_at", "id"]
        indexes = [models.Index(fields=["status", "send_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel} {self.send_at:%Y-%m-%d %H:%M}"

    def audit_client_id(self) -> int | None:
        return self.invitation.audit_client_id()

    def audit_org_path(self) -> str:
        return self.invitation.unit.path


class MessageLog(models.Model):
    """What went out (or was held back, and why): one row per send attempt."""

    message = models.ForeignKey(ScheduledMessage, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(db_index=True)
    channel = models.CharField(max_length=10)
    recipient = models.CharField(_("recipient"), max_length=40, help_text=_("Masked."))
    outcome = models.CharField(_("outcome"), max_length=12)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.channel} {self.outcome}"
