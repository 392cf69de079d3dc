"""Enrolments made before a case moved stay in the old unit: give them their case's unit."""

from django.conf import settings
from django.db import migrations

from insyn.followup.scope_follow import repair_enrollments


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0002_option_set_owner"),
        ("clients", "0002_provider_register_and_date_checks"),
        ("organisations", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(repair_enrollments, migrations.RunPython.noop)]
