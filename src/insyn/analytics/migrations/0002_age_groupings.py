"""Default age groupings (a catalogue: operators edit or add their own)."""

from django.db import migrations

DEFAULTS = [
    ("children", "Barn och unga", "Children and young people", "0-12,13-17,18-", 10),
    ("youth", "Unga vuxna", "Young adults", "0-17,18-20,21-24,25-", 20),
    ("adults", "Vuxna", "Adults", "0-17,18-24,25-44,45-64,65-", 30),
    ("elderly", "Äldre", "Older people", "0-64,65-79,80-89,90-", 40),
]


def load(apps, schema_editor):
    AgeGrouping = apps.get_model("analytics", "AgeGrouping")
    for code, name, name_en, bins, order in DEFAULTS:
        AgeGrouping.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "bins": bins, "sort_order": order},
        )


def unload(apps, schema_editor):
    apps.get_model("analytics", "AgeGrouping").objects.filter(
        code__in=[d[0] for d in DEFAULTS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
