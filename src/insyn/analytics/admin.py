"""Catalogues only (ARCHITECTURE): age groupings."""

from django.contrib import admin

from insyn.analytics.models import AgeGrouping


@admin.register(AgeGrouping)
class AgeGroupingAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "bins", "active", "sort_order")
    list_editable = ("active", "sort_order")
    search_fields = ("code", "name")
