"""Catalogues in Django's admin at /system/ (staff only). No personal data is registered here."""

from __future__ import annotations

from django.contrib import admin

from insyn.clients.models import (
    CaseSource,
    EndReason,
    IntakeReason,
    InterventionGroup,
    InterventionType,
    LegalBasis,
    Provider,
)

CATALOGUE_FIELDS = ("code", "name", "name_en", "active", "sort_order")


class CatalogueAdmin(admin.ModelAdmin):
    list_display = [*CATALOGUE_FIELDS]
    list_editable = ("active", "sort_order")
    list_filter = ["active"]
    search_fields = ("code", "name", "name_en")
    ordering = ("sort_order", "name")


@admin.register(InterventionGroup, CaseSource)
class PlainCatalogueAdmin(CatalogueAdmin):
    pass


@admin.register(InterventionType)
class InterventionTypeAdmin(CatalogueAdmin):
    list_display = [*CATALOGUE_FIELDS, "group", "is_placement"]
    list_filter = ["active", "group", "is_placement"]


@admin.register(LegalBasis)
class LegalBasisAdmin(CatalogueAdmin):
    list_display = [*CATALOGUE_FIELDS, "law", "statute", "paragraph", "valid_from", "valid_to"]
    list_filter = ["active", "law", "statute"]


@admin.register(IntakeReason)
class IntakeReasonAdmin(CatalogueAdmin):
    list_display = [*CATALOGUE_FIELDS, "area"]
    list_filter = ["active", "area"]


@admin.register(EndReason)
class EndReasonAdmin(CatalogueAdmin):
    list_display = [*CATALOGUE_FIELDS, "outcome"]
    list_filter = ["active", "outcome"]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "org_number", "municipality", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "code", "org_number")
    filter_horizontal = ("intervention_types",)
    readonly_fields = ("registered_by",)
