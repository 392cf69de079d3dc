"""Step 1: the follow-up design. Programmes, stages, variables, option sets and instruments are
data; a published programme version is never changed destructively (a new version is made)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from insyn.core.catalogues import CatalogueItem
from insyn.core.scoping import ScopedModel, ScopedQuerySet, paths_q
from insyn.core.versioning import Versioned


class NonResponseReason(CatalogueItem):
    """Why a follow-up or questionnaire was not done (bortfall)."""

    class Meta(CatalogueItem.Meta):
        verbose_name = _("non-response reason")
        verbose_name_plural = _("non-response reasons")


class Direction(models.TextChoices):
    LOWER = "lower", _("Lower is better")
    HIGHER = "higher", _("Higher is better")


class OptionSet(models.Model):
    """Answer options shared by variables. Shipped sets (no owner) change only through the
    catalogue files; a set made in the web belongs to an org unit whose designers edit it."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )

    class Meta:
        verbose_name = _("option set")
        verbose_name_plural = _("option sets")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name


class Option(models.Model):
    NATURAL_KEY = ("option_set", "code")

    option_set = models.ForeignKey(OptionSet, on_delete=models.CASCADE, related_name="options")
    code = models.CharField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=200)
    label_en = models.CharField(_("label in English"), max_length=200, blank=True)
    value = models.FloatField(
        _("value"), null=True, blank=True, help_text=_("Points or numeric value, when it has one.")
    )
    is_missing = models.BooleanField(
        _("don't know / not applicable"),
        default=False,
        help_text=_("Left out of denominators and means."),
    )
    sort_order = models.PositiveIntegerField(default=100)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["option_set", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["option_set", "code"], name="option_code_unique")
        ]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        if self.label_en and (translation.get_language() or "sv").startswith("en"):
            return self.label_en
        return self.label


class Instrument(models.Model):
    """A standardised assessment (AUDIT, DUDIT, …): items whose answers carry points, a total,
    and score bands by sex, all rows from the catalogue. `source` names the publication the
    item texts, answer alternatives and cut-offs come from, so a reader can check them."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    min_total = models.FloatField(_("lowest total"), default=0)
    max_total = models.FloatField(_("highest total"))
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.LOWER
    )
    licence_note = models.TextField(_("licence note"), blank=True)
    source = models.TextField(
        _("source"),
        blank=True,
        help_text=_("The publication the items, answer alternatives and score bands follow."),
    )

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name


class InstrumentItem(models.Model):
    NATURAL_KEY = ("instrument", "key")

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField(_("number"))
    key = models.SlugField(_("key"), max_length=40)
    label = models.CharField(_("label"), max_length=300)
    text = models.TextField(
        _("item text"), blank=True, help_text=_("The licensed wording, if any.")
    )
    option_set = models.ForeignKey(OptionSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("instrument item")
        verbose_name_plural = _("instrument items")
        ordering = ["instrument", "number"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "key"], name="instrument_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.label}"


class ScoreBand(models.Model):
    """A range of totals with a meaning, per sex ('' applies to everyone)."""

    NATURAL_KEY = ("instrument", "sex", "code")

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="bands")
    sex = models.CharField(_("sex"), max_length=1, blank=True)
    min_score = models.FloatField(_("from"))
    max_score = models.FloatField(_("to"))
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=200)
    rank = models.PositiveSmallIntegerField(
        _("rank"), default=0, help_text=_("Higher rank = more severe; orders bands in tables.")
    )

    class Meta:
        verbose_name = _("score band")
        verbose_name_plural = _("score bands")
        ordering = ["instrument", "sex", "min_score"]

    def __str__(self) -> str:
        return f"{self.label} ({self.min_score:g}–{self.max_score:g})"


class ProgrammeQuerySet(ScopedQuerySet):
    pass


class Programme(Versioned, ScopedModel):
    """A follow-up programme version (uppföljningsplan); versioned by the one rule in
    core.versioning (key, version, status, published_at and previous come from there)."""

    class Sampling(models.TextChoices):
        ALL = "all", _("All clients")
        BIRTH_DAYS = "birth_days", _("Clients born on given days of the month")
        EVEN_WEEKS = "even_weeks", _("Intake in even ISO weeks")
        PERIOD = "period", _("Intake within a period")

    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    target_group = models.TextField(_("target group"), blank=True)
    owner = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("owner"),
        help_text=_("The organisation that maintains the programme; units below it use it."),
    )
    # Inclusion: interventions of these types (none = any type) in cases of these units'
    # subtrees (none = anywhere below the owner).
    intervention_types = models.ManyToManyField(
        "clients.InterventionType",
        blank=True,
        related_name="programmes",
        verbose_name=_("intervention types"),
    )
    units = models.ManyToManyField(
        "organisations.OrgUnit", blank=True, related_name="+", verbose_name=_("units")
    )
    auto_enroll = models.BooleanField(
        _("enrol automatically"),
        default=True,
        help_text=_("Enrol when a matching intervention starts; otherwise enrol by hand."),
    )
    sampling = models.CharField(
        _("sample"), max_length=12, choices=Sampling.choices, default=Sampling.ALL
    )
    sampling_days = models.JSONField(
        _("birth days"), default=list, blank=True, help_text=_("Days of the month, e.g. 5, 15, 25.")
    )
    sampling_from = models.DateField(_("intake from"), null=True, blank=True)
    sampling_to = models.DateField(_("intake to"), null=True, blank=True)
    # The sample-size plan (followup.sample_size.PLANNING_KEYS): advice, not a rule.
    planning = models.JSONField(_("sample-size plan"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="programme_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @classmethod
    def scope_filter(cls, paths: list[str]) -> Q:
        """Visible below the owner and above it: a national programme is used by every unit."""
        ancestors = {p[: i + 1] for p in paths for i, ch in enumerate(p) if ch == "/" and i > 0}
        return paths_q("owner__path", paths) | Q(owner__path__in=ancestors)

    def scope_path(self) -> str:
        return self.owner.path


class Stage(models.Model):
    class Kind(models.TextChoices):
        BEFORE = "before", _("Before")
        DURING = "during", _("During")
        AFTER = "after", _("After")
        LATER = "later", _("Later")

    class Anchor(models.TextChoices):
        CASE_OPENED = "case_opened", _("Case opened")
        DECISION = "decision", _("Decision")
        INTERVENTION_START = "intervention_start", _("Intervention start")
        INTERVENTION_END = "intervention_end", _("Intervention end")
        ENROLLMENT = "enrollment", _("Enrolment")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="stages")
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    anchor = models.CharField(_("anchored to"), max_length=20, choices=Anchor.choices)
    offset_days = models.IntegerField(_("days after the anchor"), default=0)
    window_before_days = models.PositiveIntegerField(_("window opens, days before"), default=14)
    window_after_days = models.PositiveIntegerField(_("window closes, days after"), default=30)
    sets_goals = models.BooleanField(_("goals are set here"), default=False)
    assesses_goals = models.BooleanField(_("goals are assessed here"), default=False)
    sort_order = models.PositiveIntegerField(default=100)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["programme", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="stage_key_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def audit_org_path(self) -> str:
        return self.programme.owner.path

    @property
    def position(self) -> tuple[int, int]:
        """Where the stage stands in its programme: the one order every list of stages uses
        (never the due date, which an open "after" stage does not have yet, nor the name)."""
        return (self.sort_order, self.pk or 0)


# The ORM spelling of `Stage.position`, for querysets of anything that has a stage.
STAGE_ORDER = ("stage__sort_order", "stage_id")


class Variable(models.Model):
    class Type(models.TextChoices):
        INTEGER = "integer", _("Whole number")
        DECIMAL = "decimal", _("Decimal number")
        BOOLEAN = "boolean", _("Yes/no")
        DATE = "date", _("Date")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TEXT = "text", _("Free text")
        INSTRUMENT = "instrument", _("Instrument")

    NUMERIC_TYPES = (Type.INTEGER, Type.DECIMAL, Type.BOOLEAN, Type.INSTRUMENT)

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="variables")
    key = models.SlugField(
        _("key"), max_length=40, help_text=_("Lowercase, used in exports as <key>__<stage>.")
    )
    label = models.CharField(_("label"), max_length=200)
    help_text = models.TextField(_("help text"), blank=True)
    type = models.CharField(_("type"), max_length=12, choices=Type.choices)
    option_set = models.ForeignKey(
        OptionSet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("options"),
    )
    instrument = models.ForeignKey(
        Instrument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("instrument"),
    )
    unit = models.CharField(_("unit"), max_length=40, blank=True, help_text=_("e.g. days, SEK"))
    min_value = models.FloatField(_("lowest value"), null=True, blank=True)
    max_value = models.FloatField(_("highest value"), null=True, blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, blank=True
    )
    is_main_measure = models.BooleanField(
        _("main problem measure"),
        default=False,
        help_text=_("Measured before and after with the same measure; shown first in results."),
    )
    sort_order = models.PositiveIntegerField(default=100)

    class Meta:
        verbose_name = _("variable")
        verbose_name_plural = _("variables")
        ordering = ["programme", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="variable_key_unique")
        ]

    def __str__(self) -> str:
        return self.label

    def audit_org_path(self) -> str:
        return self.programme.owner.path

    @property
    def is_numeric(self) -> bool:
        return self.type in self.NUMERIC_TYPES


class StageVariable(models.Model):
    """Which variables are collected at which stage."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="stage_variables")
    variable = models.ForeignKey(Variable, on_delete=models.CASCADE, related_name="stage_variables")
    required = models.BooleanField(_("required"), default=False)
    sort_order = models.PositiveIntegerField(default=100)

    class Meta:
        ordering = ["stage", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "variable"], name="stage_variable_unique")
        ]

    def __str__(self) -> str:
        return f"{self.stage.key}: {self.variable.key}"
