"""Questionnaires as versioned data: questionnaire -> section -> question (-> options).

A published version is never changed in place; an edit makes a new draft version (services).
Which questionnaire a follow-up stage asks of which respondent is `StageQuestionnaire`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from insyn.core.catalogues import CatalogueItem
from insyn.core.scoping import ScopedModel, ScopedQuerySet, paths_q
from insyn.core.versioning import Versioned


def _pick(sv: str, en: str) -> str:
    """The English text in the English UI when there is one; Swedish otherwise."""
    if en and (translation.get_language() or "sv").startswith("en"):
        return en
    return sv


class QualityCriterion(CatalogueItem):
    """Delaktighet, bemötande, tillgänglighet … (catalogue; tags questions for results)."""

    class Meta(CatalogueItem.Meta):
        verbose_name = _("quality criterion")
        verbose_name_plural = _("quality criteria")


class RespondentRole(models.TextChoices):
    CASE_WORKER = "case_worker", _("Case worker")
    CHILD = "child", _("Child or young person")
    GUARDIAN = "guardian", _("Guardian")
    CLIENT = "client", _("Client")


class BbicArea(models.TextChoices):
    """The child's needs areas of BBIC (Barns behov i centrum)."""

    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    EMOTIONAL = "emotional", _("Emotional and behavioural development")
    IDENTITY = "identity", _("Identity")
    FAMILY = "family", _("Family and social relationships")
    SOCIAL = "social", _("Social presentation")
    SELF_CARE = "self_care", _("Self-care skills")
    SAFETY = "safety", _("Safety and protection")


class QuestionnaireQuerySet(ScopedQuerySet):
    pass


class Questionnaire(Versioned, ScopedModel):
    """A questionnaire version; versioned by the one rule in core.versioning (key, version,
    status, published_at and previous come from there)."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_("Answers are never linked to a client; used in survey rounds."),
    )
    owner = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="questionnaires",
        verbose_name=_("owner"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="questionnaire_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.label} (v{self.version})"

    @property
    def label(self) -> str:
        return _pick(self.name, self.name_en)

    @classmethod
    def scope_filter(cls, paths: list[str]) -> Q:
        """Like programmes: visible below the owner, and a regional one to every unit below."""
        ancestors = {p[: i + 1] for p in paths for i, ch in enumerate(p) if ch == "/" and i > 0}
        return paths_q("owner__path", paths) | Q(owner__path__in=ancestors)

    def scope_path(self) -> str:
        return self.owner.path


class Section(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections"
    )
    key = models.SlugField(_("key"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    intro = models.TextField(_("introduction"), blank=True)
    intro_en = models.TextField(_("introduction in English"), blank=True)
    respondent_role = models.CharField(
        _("respondent"), max_length=20, choices=RespondentRole.choices, blank=True
    )
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(default=100)

    class Meta:
        ordering = ["questionnaire", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="section_key_unique")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _pick(self.title, self.title_en)

    @property
    def intro_label(self) -> str:
        return _pick(self.intro, self.intro_en)


class Question(models.Model):
    class Type(models.TextChoices):
        SCALE = "scale5", _("Five-point scale")
        YES_NO = "yes_no", _("Yes/no")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        NUMBER = "number", _("Number")
        TEXT = "text", _("Free text")

    CHOICE_TYPES = (Type.SINGLE, Type.MULTIPLE)
    # Share positive: 4–5 on the scale, "yes" on yes/no.
    POSITIVE_FROM = 4
    # A mean says something on a scale, a number, or a choice whose options carry values; on
    # yes/no it is only the share again, written as a fraction ("0,75").
    MEAN_TYPES = (Type.SCALE, Type.NUMBER, Type.SINGLE)

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(
        _("key"), max_length=40, help_text=_("Unique in the questionnaire; a column in analyses.")
    )
    text = models.TextField(_("question"))
    text_en = models.TextField(_("question in English"), blank=True)
    help = models.TextField(_("help text"), blank=True)
    help_en = models.TextField(_("help text in English"), blank=True)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    required = models.BooleanField(_("required"), default=False)
    low_label = models.CharField(_("label of the low end"), max_length=100, blank=True)
    low_label_en = models.CharField(max_length=100, blank=True)
    high_label = models.CharField(_("label of the high end"), max_length=100, blank=True)
    high_label_en = models.CharField(max_length=100, blank=True)
    allow_unknown = models.BooleanField(
        _("offer 'don't know / not applicable'"),
        default=False,
        help_text=_("Such answers are left out of denominators and means."),
    )
    min_value = models.FloatField(_("lowest value"), null=True, blank=True)
    max_value = models.FloatField(_("highest value"), null=True, blank=True)
    respondent_role = models.CharField(
        _("respondent"), max_length=20, choices=RespondentRole.choices, blank=True
    )
    bbic_area = models.CharField(
        _("BBIC area"), max_length=20, choices=BbicArea.choices, blank=True
    )
    quality_criterion = models.ForeignKey(
        QualityCriterion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("quality criterion"),
    )
    topic = models.SlugField(
        _("topic"),
        max_length=40,
        blank=True,
        help_text=_("Questions with the same topic are compared side by side across respondents."),
    )
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(default=100)

    class Meta:
        ordering = ["section__sort_order", "section_id", "sort_order", "id"]

    def __str__(self) -> str:
        return self.key

    @property
    def label(self) -> str:
        return _pick(self.text, self.text_en)

    @property
    def help_label(self) -> str:
        return _pick(self.help, self.help_en)

    @property
    def low(self) -> str:
        return _pick(self.low_label, self.low_label_en)

    @property
    def high(self) -> str:
        return _pick(self.high_label, self.high_label_en)

    @property
    def is_numeric(self) -> bool:
        return self.type in (self.Type.SCALE, self.Type.YES_NO, self.Type.NUMBER, self.Type.SINGLE)

    def role(self) -> str:
        return self.respondent_role or self.section.respondent_role

    def applies_to(self, role: str, age: int | None) -> bool:
        """Whether this question is asked of `role` at `age` (None: age unknown, e.g. anonymous)."""
        if self.role() and role and self.role() != role:
            return False
        for limit in (self.section.min_age, self.min_age):
            if limit is not None and age is not None and age < limit:
                return False
        return True


class QuestionOption(models.Model):
    """An option of a single or multiple choice question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=200)
    label_en = models.CharField(_("label in English"), max_length=200, blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)
    is_missing = models.BooleanField(_("don't know / not applicable"), default=False)
    sort_order = models.PositiveIntegerField(default=100)

    class Meta:
        ordering = ["question", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="question_option_unique")
        ]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        return _pick(self.label, self.label_en)


class StageQuestionnaire(models.Model):
    """A follow-up stage asks this questionnaire of this respondent (UBU: three per placement)."""

    stage = models.ForeignKey(
        "followup.Stage", on_delete=models.CASCADE, related_name="questionnaires"
    )
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="stage_links"
    )
    respondent_role = models.CharField(
        _("respondent"), max_length=20, choices=RespondentRole.choices
    )
    sort_order = models.PositiveIntegerField(default=100)

    class Meta:
        ordering = ["stage", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "respondent_role"], name="stage_questionnaire_role_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stage}: {self.questionnaire.key} ({self.respondent_role})"
