"""Internal control by case-file review (egenkontroll, journalgranskning).

A `ReviewTemplate` (data, versioned, YAML in and out) lists criteria. A `ControlRound` draws a
reproducible random sample of cases (the seed and the drawn cases are stored) from chosen units
and a period, or takes every case; reviewers answer each criterion per case (`ReviewAnswer`).
Criteria that the data can answer carry a `data_rule` and are pre-filled. A review reads the
case file: `ControlCase` and `ReviewAnswer` are individual data, restricted and audited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from insyn.core.concurrency import Versioned
from insyn.core.scoping import ScopedModel, ScopedQuerySet


class ReviewTemplate(Versioned, models.Model):
    """A review template. Shipped ones have no municipality; a municipality may add its own.
    Editing a template in use makes a new `version` row, so past rounds keep their criteria."""

    municipality = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    code = models.CharField(_("code"), max_length=60)
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    operating_area = models.CharField(_("operating area"), max_length=60, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review template")
        verbose_name_plural = _("review templates")
        ordering = ["title", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "code", "version"], name="review_template_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def audit_org_path(self) -> str:
        """A municipality's own template is audited there; a shipped one by the actor's
        organisation (core.audit falls back to it when this is empty)."""
        return self.municipality.path if self.municipality is not None else ""


class ReviewCriterion(models.Model):
    class DataRule(models.TextChoices):
        """Criteria the data can answer (pre-filled, and runnable over every case)."""

        FOUR_MONTH_RULE = "four_month_rule", _("Extension decided when over four months")
        EXECUTED_IN_THREE_MONTHS = "executed_3m", _("Decision executed within three months")
        FOLLOWUP_DONE = "followup_done", _("Follow-up occasions done")

    template = models.ForeignKey(ReviewTemplate, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(_("key"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("criterion"), max_length=300)
    help_text = models.TextField(_("help text"), blank=True)
    allow_partly = models.BooleanField(_("“partly” allowed"), default=True)
    data_rule = models.CharField(
        _("answered from the data"), max_length=30, choices=DataRule.choices, blank=True
    )

    class Meta:
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        ordering = ["template", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="review_criterion_key_unique"),
        ]

    def __str__(self) -> str:
        return self.text


class ControlRound(Versioned, ScopedModel):
    """One internal control: template, units, period, sample; owned by the unit it is run in."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DRAWN = "drawn", _("Sample drawn")
        IN_REVIEW = "in_review", _("In review")
        COMPLETED = "completed", _("Completed")

    class Mode(models.TextChoices):
        SAMPLE = "sample", _("Random sample")
        ALL = "all", _("All cases")

    municipality = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="control_rounds",
        verbose_name=_("responsible unit"),
    )
    units = models.ManyToManyField(
        "organisations.OrgUnit", related_name="+", blank=True, verbose_name=_("units reviewed")
    )
    title = models.CharField(_("title"), max_length=200)
    template = models.ForeignKey(
        ReviewTemplate, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("template")
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PLANNED
    )
    mode = models.CharField(_("selection"), max_length=10, choices=Mode.choices, default="sample")
    period_start = models.DateField(_("cases from"))
    period_end = models.DateField(_("cases to"))
    sample_size = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    seed = models.BigIntegerField(_("seed"), null=True, blank=True)
    population_size = models.PositiveIntegerField(_("cases in the population"), null=True)
    prevent_own_cases = models.BooleanField(
        _("reviewers may not review their own cases"), default=True
    )
    second_review_share = models.PositiveSmallIntegerField(_("share reviewed twice (%)"), default=0)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    summary = models.TextField(_("conclusions"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("control round")
        verbose_name_plural = _("control rounds")
        ordering = ["-period_end", "-id"]

    def __str__(self) -> str:
        return self.title


class ControlCase(Versioned, ScopedModel):
    """A case drawn into a round, in draw order, with its reviewer(s)."""

    PERSONAL_DATA = True

    round = models.ForeignKey(ControlRound, on_delete=models.CASCADE, related_name="cases")
    case = models.ForeignKey(
        "clients.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("case")
    )
    draw_order = models.PositiveIntegerField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    second_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("second reviewer"),
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "case__unit__path"

    class Meta:
        verbose_name = _("reviewed case")
        verbose_name_plural = _("reviewed cases")
        ordering = ["round", "draw_order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "case"], name="control_case_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.case}"

    def audit_client_id(self) -> int:
        return self.case.client_id


class ReviewAnswer(models.Model):
    """One reviewer's answer to one criterion for one case. A pre-filled answer says so."""

    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        PARTLY = "partly", _("Partly")
        NOT_APPLICABLE = "na", _("Not applicable")

    control_case = models.ForeignKey(ControlCase, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(ReviewCriterion, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices)
    comment = models.TextField(_("comment"), blank=True)
    prefilled = models.BooleanField(_("pre-filled from the data"), default=False)
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["control_case", "criterion__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["control_case", "criterion", "reviewer"], name="review_answer_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.answer}"
