"""The Open Comparisons (Öppna jämförelser, ÖJ) workflow for one publication, as FoU Västerbotten
teaches it: check the data before reporting, receive the results, quick analysis of each
negative result, the prioritisation matrix, deep analysis, improvement proposals that become
quality action plans, follow-up, and communication with an A3.

The publication is the one versioned object: every write to it or to one of its rows locks it,
checks the version the caller read and raises it, so two people editing the same publication
cannot overwrite each other unnoticed. Every step's date and who decided it are fields.
The rows name staff in their professional role only (who decided), never a client.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from insyn.core.concurrency import Versioned
from insyn.core.scoping import ScopedModel, ScopedQuerySet


class Level(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNSURE = "unsure", _("Unsure")


# (step field prefix, the state its decision leads to); the publication stores <prefix>_on
# and <prefix>_by for each.
STEP_FIELDS = (
    "received",
    "quick_analysed",
    "prioritised",
    "deep_analysed",
    "actions_decided",
    "followed_up",
    "communicated",
)


def _step_date(label: Any) -> models.DateField:
    return models.DateField(label, null=True, blank=True)


def _step_user(label: Any) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=label,
    )


class OjPublication(Versioned, ScopedModel):
    class Status(models.TextChoices):
        DATA_CHECK = "data_check", _("Data check before reporting")
        RECEIVED = "received", _("Results received: quick analysis")
        QUICK_ANALYSIS = "quick_analysis", _("Quick analysis done: prioritisation")
        PRIORITISED = "prioritised", _("Prioritised: deep analysis")
        DEEP_ANALYSIS = "deep_analysis", _("Deep analysis done: improvement proposals")
        ACTIONS = "actions", _("Action plans decided: follow-up")
        FOLLOWED_UP = "followed_up", _("Followed up: communication")
        COMMUNICATED = "communicated", _("Communicated")

    municipality = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="oj_publications",
        verbose_name=_("responsible unit"),
    )
    title = models.CharField(_("publication"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    area = models.CharField(_("area"), max_length=120)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DATA_CHECK
    )
    # reception (mottagande)
    receivers = models.CharField(
        _("who receives the results"),
        max_length=300,
        blank=True,
        help_text=_("e.g. “Ledningsgruppen IFO, kommunikatör”."),
    )
    press_answers = models.TextField(_("prepared answers for the press"), blank=True)
    # dates of every step and who decided
    received_on = _step_date(_("received on"))
    received_by = _step_user(_("received by"))
    quick_analysed_on = _step_date(_("quick analysis done on"))
    quick_analysed_by = _step_user(_("quick analysis decided by"))
    prioritised_on = _step_date(_("prioritised on"))
    prioritised_by = _step_user(_("prioritisation decided by"))
    deep_analysed_on = _step_date(_("deep analysis done on"))
    deep_analysed_by = _step_user(_("deep analysis decided by"))
    actions_decided_on = _step_date(_("action plans decided on"))
    actions_decided_by = _step_user(_("action plans decided by"))
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    followed_up_on = _step_date(_("followed up on"))
    followed_up_by = _step_user(_("follow-up decided by"))
    communicated_on = _step_date(_("communicated on"))
    communicated_by = _step_user(_("communication decided by"))
    # the A3 summary
    a3_current_state = models.TextField(_("current state"), blank=True)
    a3_target_state = models.TextField(_("target state"), blank=True)
    a3_causes = models.TextField(_("causes"), blank=True)
    a3_actions = models.TextField(_("actions"), blank=True)
    a3_follow_up = models.TextField(_("follow-up"), blank=True)
    a3_results = models.TextField(_("results"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("Open Comparisons publication")
        verbose_name_plural = _("Open Comparisons publications")
        ordering = ["-year", "title", "id"]

    def __str__(self) -> str:
        return self.title


class OjDataQualityCheck(models.Model):
    """The self-assessment before reporting, one row per area (e.g. “Missbruksvård”)."""

    publication = models.ForeignKey(
        OjPublication, on_delete=models.CASCADE, related_name="data_checks"
    )
    area = models.CharField(_("area"), max_length=120)
    collection_clear = models.CharField(
        _("is the collection clear?"), max_length=8, choices=Answer.choices
    )
    collector = models.CharField(_("who collects the data"), max_length=200, blank=True)
    all_units_included = models.CharField(
        _("are all units included?"), max_length=8, choices=Answer.choices
    )
    shared_understanding = models.CharField(
        _("shared understanding of each indicator?"), max_length=8, choices=Answer.choices
    )
    comment = models.TextField(_("comment"), blank=True)
    checked_on = models.DateField(_("checked on"))
    checked_by = _step_user(_("checked by"))

    class Meta:
        ordering = ["area", "id"]
        verbose_name = _("data quality check")
        verbose_name_plural = _("data quality checks")

    def __str__(self) -> str:
        return self.area

    def audit_org_path(self) -> str:
        return str(self.publication.unit.path)


class OjResult(models.Model):
    """One indicator's result in the publication, as received."""

    class Colour(models.TextChoices):
        GREEN = "green", _("Green")
        YELLOW = "yellow", _("Yellow")
        RED = "red", _("Red")
        GREY = "grey", _("Grey (no value)")

    publication = models.ForeignKey(OjPublication, on_delete=models.CASCADE, related_name="results")
    indicator = models.ForeignKey(
        "indicators.Indicator",
        on_delete=models.PROTECT,
        related_name="oj_results",
        verbose_name=_("indicator"),
    )
    value = models.FloatField(_("value"), null=True, blank=True)
    colour = models.CharField(_("colour as published"), max_length=8, choices=Colour.choices)
    negative = models.BooleanField(_("negative result"), default=False)
    source = models.CharField(
        _("source"),
        max_length=200,
        help_text=_("Where the value comes from, e.g. “Källa: Kolada”."),
    )

    class Meta:
        ordering = ["-negative", "indicator__sort_order", "indicator__key"]
        verbose_name = _("published result")
        verbose_name_plural = _("published results")
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "indicator"], name="ojresult_one_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return str(self.indicator_id)

    def audit_org_path(self) -> str:
        return str(self.publication.unit.path)


class OjQuickAnalysis(models.Model):
    result = models.OneToOneField(OjResult, on_delete=models.CASCADE, related_name="quick")
    important = models.CharField(_("important to us?"), max_length=8, choices=Answer.choices)
    reliable = models.CharField(_("reliable?"), max_length=8, choices=Answer.choices)
    ongoing_work = models.CharField(
        _("ongoing improvement work?"), max_length=8, choices=Answer.choices
    )
    comment = models.TextField(_("comment"), blank=True)
    analysed_on = models.DateField(_("analysed on"))
    analysed_by = _step_user(_("analysed by"))

    class Meta:
        verbose_name = _("quick analysis")
        verbose_name_plural = _("quick analyses")

    def __str__(self) -> str:
        return str(self.result_id)

    def audit_org_path(self) -> str:
        return str(self.result.publication.unit.path)


class OjPriority(models.Model):
    """One row of the prioritisation matrix."""

    result = models.OneToOneField(OjResult, on_delete=models.CASCADE, related_name="priority")
    goal_relation = models.TextField(_("relation to overall goals"), blank=True)
    ongoing_efforts = models.TextField(_("ongoing efforts"), blank=True)
    deficit_cost = models.CharField(
        _("cost of the quality deficit"), max_length=8, choices=Level.choices, blank=True
    )
    change_cost = models.CharField(
        _("cost of the change"), max_length=8, choices=Level.choices, blank=True
    )
    inhabitants = models.CharField(
        _("inhabitants affected"), max_length=8, choices=Level.choices, blank=True
    )
    indicator_type = models.CharField(
        _("indicator type, our assessment"),
        max_length=10,
        choices=[
            ("structure", _("Structure")),
            ("process", _("Process")),
            ("outcome", _("Outcome")),
        ],
        blank=True,
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), null=True, blank=True, choices=[(1, "1"), (2, "2"), (3, "3")]
    )
    decision = models.TextField(_("decision"), blank=True)

    class Meta:
        verbose_name = _("prioritisation")
        verbose_name_plural = _("prioritisations")

    def __str__(self) -> str:
        return str(self.result_id)

    def audit_org_path(self) -> str:
        return str(self.result.publication.unit.path)


class OjDeepAnalysis(models.Model):
    result = models.OneToOneField(OjResult, on_delete=models.CASCADE, related_name="deep")
    current_state = models.TextField(_("current state"))
    root_causes = models.TextField(_("root causes"))
    influence = models.CharField(
        _("influence of our own organisation"), max_length=8, choices=Level.choices
    )
    improvement_area = models.CharField(_("proposed improvement area"), max_length=200)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=[(1, "1"), (2, "2"), (3, "3")]
    )
    decision = models.TextField(_("decision"), blank=True)
    analysed_on = models.DateField(_("analysed on"))
    decided_by = _step_user(_("decided by"))

    class Meta:
        ordering = ["priority", "id"]
        verbose_name = _("deep analysis")
        verbose_name_plural = _("deep analyses")

    def __str__(self) -> str:
        return self.improvement_area

    def audit_org_path(self) -> str:
        return str(self.result.publication.unit.path)


class OjProposal(models.Model):
    """An improvement proposal; deciding it creates a quality action plan."""

    publication = models.ForeignKey(
        OjPublication, on_delete=models.CASCADE, related_name="proposals"
    )
    deep_analysis = models.ForeignKey(
        OjDeepAnalysis,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("deep analysis"),
    )
    title = models.CharField(_("improvement proposal"), max_length=200)
    description = models.TextField(_("description"))
    action_plan = models.OneToOneField(
        "quality.ActionPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="oj_proposal",
        verbose_name=_("action plan"),
    )
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = _step_user(_("decided by"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("improvement proposal")
        verbose_name_plural = _("improvement proposals")

    def __str__(self) -> str:
        return self.title

    def audit_org_path(self) -> str:
        return str(self.publication.unit.path)
