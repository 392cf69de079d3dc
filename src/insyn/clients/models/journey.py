"""Clients and their journey: case -> decision -> intervention, plus the catalogues they use.

Personal data models carry PERSONAL_DATA = True (never registered in Django's admin) and say
where they sit in the org tree, so restrict() and the audit trail can place them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from insyn.core.catalogues import CatalogueItem
from insyn.core.concurrency import Versioned
from insyn.core.scoping import ScopedModel, ScopedQuerySet, paths_q

# --- Catalogues -----------------------------------------------------------------------------


class InterventionGroup(CatalogueItem):
    class Meta(CatalogueItem.Meta):
        verbose_name = _("intervention group")
        verbose_name_plural = _("intervention groups")


class InterventionType(CatalogueItem):
    group = models.ForeignKey(
        InterventionGroup, on_delete=models.PROTECT, related_name="types", verbose_name=_("group")
    )
    is_placement = models.BooleanField(_("placement (out-of-home care)"), default=False)

    class Meta(CatalogueItem.Meta):
        verbose_name = _("intervention type")
        verbose_name_plural = _("intervention types")


class LegalBasis(CatalogueItem):
    """A law and paragraph. Texts are data: SFS 2025:400 renumbered the Social Services Act."""

    class Law(models.TextChoices):
        SOL = "SoL", _("Social Services Act (SoL)")
        LVU = "LVU", _("Care of Young Persons Act (LVU)")
        LVM = "LVM", _("Care of Abusers Act (LVM)")
        LSS = "LSS", _("Support and Service Act (LSS)")
        OTHER = "other", _("Other")

    law = models.CharField(_("law"), max_length=10, choices=Law.choices)
    statute = models.CharField(_("statute (SFS)"), max_length=20, blank=True)
    paragraph = models.CharField(_("paragraph"), max_length=60, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    reportable_non_executed = models.BooleanField(
        _("report to IVO when not executed"),
        default=False,
        help_text=_(
            "Decisions under this basis not executed within three months are reported to IVO "
            "(ej verkställda beslut)."
        ),
    )

    class Meta(CatalogueItem.Meta):
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")


class CaseSource(CatalogueItem):
    class Meta(CatalogueItem.Meta):
        verbose_name = _("case source")
        verbose_name_plural = _("case sources")


class IntakeReason(CatalogueItem):
    area = models.CharField(_("area"), max_length=60, blank=True)

    class Meta(CatalogueItem.Meta):
        verbose_name = _("reason for intake")
        verbose_name_plural = _("reasons for intake")


class EndReason(CatalogueItem):
    class Outcome(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        INTERRUPTED = "interrupted", _("Interrupted")
        OTHER = "other", _("Other")

    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)

    class Meta(CatalogueItem.Meta):
        verbose_name = _("end reason")
        verbose_name_plural = _("end reasons")


class Provider(models.Model):
    """Who carries out interventions. External providers are shared across municipalities and
    identified by organisation number, so pooled results can be read per care home."""

    class Kind(models.TextChoices):
        OWN = "own", _("Own (municipal)")
        EXTERNAL = "external", _("External")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    org_number = models.CharField(
        _("organisation number"), max_length=11, blank=True, db_index=True
    )
    municipality = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
        help_text=_("For own providers: the municipality that runs it."),
    )
    registered_by = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("registered by"),
        help_text=_(
            "The municipality that keeps the record up to date; empty for shipped providers."
        ),
    )
    intervention_types = models.ManyToManyField(
        InterventionType, blank=True, related_name="providers", verbose_name=_("intervention types")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name"]
        constraints = [
            # One record per external organisation, shared by every municipality.
            models.UniqueConstraint(
                fields=["org_number"],
                condition=Q(kind="external") & ~Q(org_number=""),
                name="provider_external_org_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


# --- Personal data --------------------------------------------------------------------------


class Sex(models.TextChoices):
    WOMAN = "K", _("Woman")
    MAN = "M", _("Man")
    OTHER = "X", _("Other / not stated")

    @classmethod
    def spelled_out(cls) -> str:
        """The choices as the form lists them ("Kvinna, Man eller Annat / ej angivet"), for
        messages: a message must not speak in codes the person never sees."""
        labels = [str(label) for label in cls.labels]
        return gettext("%(first)s or %(last)s") % {
            "first": ", ".join(labels[:-1]),
            "last": labels[-1],
        }


class ClientQuerySet(ScopedQuerySet):
    pass


class Client(Versioned, ScopedModel):
    """A person the service is for, within one municipality.

    Seen by a unit that registered the client or holds one of the client's cases.
    """

    PERSONAL_DATA = True
    AUDIT_EXCLUDE = ("person_key", "personnummer_encrypted")

    class IdKind(models.TextChoices):
        PERSONNUMMER = "personnummer", _("Personal identity number")
        SAMORDNINGSNUMMER = "samordningsnummer", _("Coordination number")
        NONE = "none", _("No number (reserve identity)")

    municipality = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="registered_clients",
        verbose_name=_("registering unit"),
    )
    client_ref = models.CharField(_("client reference"), max_length=40)
    person_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    personnummer_encrypted = models.TextField(blank=True, editable=False)
    id_kind = models.CharField(_("identity"), max_length=20, choices=IdKind.choices)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["client_ref"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "client_ref"], name="client_ref_unique"
            ),
            models.UniqueConstraint(
                fields=["municipality", "person_key"],
                condition=~Q(person_key=""),
                name="client_person_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.client_ref

    @classmethod
    def scope_filter(cls, paths: list[str]) -> Q:
        cases = Case.objects.filter(paths_q("unit__path", paths), client=OuterRef("pk"))
        return paths_q("unit__path", paths) | Q(Exists(cases))

    def scope_path(self) -> str:
        return self.unit.path

    def audit_org_paths(self) -> list[str]:
        """Seen through the registering unit and each of the client's cases: the auditors of
        every one of them may see who looked at the client."""
        cases = Case.objects.filter(client_id=self.pk).values_list("unit__path", flat=True)
        return [self.unit.path, *sorted(set(cases))]

    @classmethod
    def audit_org_paths_bulk(cls, clients: list[Client]) -> dict[int, list[str]]:
        """`audit_org_paths` of a page of clients in two queries, not two per client."""
        pks = [c.pk for c in clients]
        paths = {
            pk: [str(p)]
            for pk, p in cls._base_manager.filter(pk__in=pks).values_list("pk", "unit__path")
        }
        cases = Case.objects.filter(client_id__in=pks).values_list("client_id", "unit__path")
        by_client: dict[int, set[str]] = {}
        for client_id, path in cases:
            by_client.setdefault(client_id, set()).add(path)
        return {pk: [*own, *sorted(by_client.get(pk, ()))] for pk, own in paths.items()}

    def audit_client_id(self) -> int:
        return self.pk


class Case(Versioned, ScopedModel):
    PERSONAL_DATA = True

    municipality = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="cases", verbose_name=_("client")
    )
    unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("unit"),
    )
    case_ref = models.CharField(_("case reference"), max_length=40)
    opened_on = models.DateField(_("opened"))
    source = models.ForeignKey(CaseSource, on_delete=models.PROTECT, verbose_name=_("source"))
    reason = models.ForeignKey(
        IntakeReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("reason for intake"),
    )
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    reactualisation = models.BooleanField(
        _("re-actualisation"),
        default=False,
        editable=False,
        help_text=_("Opened within 12 months after an earlier case of the client was closed."),
    )
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("responsible case worker"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "case_ref"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "case_ref"], name="case_ref_unique"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="case_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.case_ref

    def audit_client_id(self) -> int:
        return self.client_id

    def audit_name(self) -> str:
        return f"{capfirst(self._meta.verbose_name)} {self.case_ref}"


class ExtentUnit(models.TextChoices):
    HOURS_WEEK = "hours_week", _("hours a week")
    HOURS_MONTH = "hours_month", _("hours a month")
    DAYS_MONTH = "days_month", _("days a month")
    OCCASIONS_MONTH = "occasions_month", _("occasions a month")


class Decision(Versioned, ScopedModel):
    """What was decided (step 3, first half)."""

    PERSONAL_DATA = True

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("case")
    )
    decision_ref = models.CharField(_("decision reference"), max_length=40, blank=True)
    intervention_type = models.ForeignKey(
        InterventionType, on_delete=models.PROTECT, verbose_name=_("intervention type")
    )
    legal_basis = models.ForeignKey(
        LegalBasis, on_delete=models.PROTECT, verbose_name=_("legal basis")
    )
    decided_on = models.DateField(_("decided"))
    executed_on = models.DateField(
        _("executed"), null=True, blank=True, help_text=_("When the decision was put into effect.")
    )
    # Execution interrupted (verkställighet avbruten) and resumed; the three-month clock of the
    # IVO report starts again at the interruption.
    interrupted_on = models.DateField(_("execution interrupted"), null=True, blank=True)
    resumed_on = models.DateField(_("execution resumed"), null=True, blank=True)
    # Partial execution: granted vs executed extent in one unit (e.g. 3 of 5 hours a week).
    extent_unit = models.CharField(
        _("unit of extent"), max_length=20, choices=ExtentUnit.choices, blank=True
    )
    granted_extent = models.DecimalField(
        _("granted extent"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    executed_extent = models.DecimalField(
        _("executed extent"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    # A decision that ends without being executed (the client declined, moved, died): the
    # IVO report then states this date and reason instead of an execution date.
    ended_unexecuted_on = models.DateField(_("ended without execution"), null=True, blank=True)
    ended_unexecuted_reason = models.CharField(
        _("why it ended without execution"), max_length=200, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "case__unit__path"

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(executed_on__isnull=True) | Q(executed_on__gte=models.F("decided_on")),
                name="decision_executed_after_decided",
            ),
            models.CheckConstraint(
                condition=Q(interrupted_on__isnull=True)
                | Q(interrupted_on__gte=models.F("decided_on")),
                name="decision_interrupted_after_decided",
            ),
            models.CheckConstraint(
                condition=Q(resumed_on__isnull=True)
                | (Q(interrupted_on__isnull=False) & Q(resumed_on__gte=models.F("interrupted_on"))),
                name="decision_resumed_after_interrupted",
            ),
            models.CheckConstraint(
                condition=Q(executed_extent__isnull=True) | Q(granted_extent__isnull=False),
                name="decision_executed_extent_needs_granted",
            ),
            models.CheckConstraint(
                condition=Q(ended_unexecuted_on__isnull=True)
                | Q(ended_unexecuted_on__gte=models.F("decided_on")),
                name="decision_ended_after_decided",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.intervention_type} {self.decided_on}"

    def audit_client_id(self) -> int:
        return self.case.client_id

    AUDIT_NAME_RELATED = ("intervention_type",)

    def audit_name(self) -> str:
        return f"{capfirst(self._meta.verbose_name)} {self.intervention_type}"


class Intervention(Versioned, ScopedModel):
    """What was actually done (step 3, second half): provider, dates, extent, end reason."""

    PERSONAL_DATA = True

    municipality = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="interventions", verbose_name=_("case")
    )
    decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        related_name="interventions",
        null=True,
        blank=True,
        verbose_name=_("decision"),
    )
    intervention_ref = models.CharField(_("intervention reference"), max_length=40)
    intervention_type = models.ForeignKey(
        InterventionType,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("intervention type"),
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("provider")
    )
    started_on = models.DateField(_("started"), null=True, blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    end_reason = models.ForeignKey(
        EndReason, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("end reason")
    )
    sessions_planned = models.PositiveIntegerField(_("sessions planned"), null=True, blank=True)
    sessions_held = models.PositiveIntegerField(_("sessions held"), null=True, blank=True)
    sessions_missed = models.PositiveIntegerField(_("sessions missed"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "case__unit__path"

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["-started_on", "intervention_ref"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "intervention_ref"], name="intervention_ref_unique"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="intervention_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.intervention_type} ({self.intervention_ref})"

    def audit_client_id(self) -> int:
        return self.case.client_id

    AUDIT_NAME_RELATED = ("intervention_type",)

    def audit_name(self) -> str:
        return f"{capfirst(self._meta.verbose_name)} {self.intervention_type}"
