"""Row versions for optimistic concurrency on occasions and goals, and one value per variable
(and item, and chosen option) per occasion.

Before the constraint is added, duplicates left by concurrent recordings are removed
deterministically: of the rows sharing (occasion, variable, item, option) the latest one (the
highest id, i.e. the last written) is kept.
"""

import django.db.models.functions.comparison
from django.db import migrations, models
from django.db.models import Count, Max


def keep_latest_value(apps, schema_editor):
    Value = apps.get_model("followup", "Value")
    duplicates = (
        Value.objects.values("occasion_id", "variable_id", "item_id", "option_id")
        .annotate(rows=Count("id"), keep=Max("id"))
        .filter(rows__gt=1)
        .order_by()
    )
    for dup in duplicates.iterator():
        rows = Value.objects.filter(
            occasion_id=dup["occasion_id"], variable_id=dup["variable_id"]
        ).exclude(pk=dup["keep"])
        rows = (
            rows.filter(item_id=dup["item_id"])
            if dup["item_id"] is not None
            else rows.filter(item__isnull=True)
        )
        rows = (
            rows.filter(option_id=dup["option_id"])
            if dup["option_id"] is not None
            else rows.filter(option__isnull=True)
        )
        rows.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0003_enrollment_unit_follows_case"),
    ]

    operations = [
        migrations.RunPython(keep_latest_value, migrations.RunPython.noop, elidable=True),
        migrations.AddField(
            model_name="goal",
            name="version",
            field=models.PositiveIntegerField(
                default=1,
                editable=False,
                help_text="Raised by one at every change; used to detect concurrent edits.",
                verbose_name="version",
            ),
        ),
        migrations.AddField(
            model_name="occasion",
            name="version",
            field=models.PositiveIntegerField(
                default=1,
                editable=False,
                help_text="Raised by one at every change; used to detect concurrent edits.",
                verbose_name="version",
            ),
        ),
        migrations.AddConstraint(
            model_name="value",
            constraint=models.UniqueConstraint(
                models.F("occasion"),
                models.F("variable"),
                django.db.models.functions.comparison.Coalesce("item", 0),
                django.db.models.functions.comparison.Coalesce("option", 0),
                name="value_once_per_occasion",
            ),
        ),
    ]
