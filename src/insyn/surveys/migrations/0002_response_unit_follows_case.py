"""Responses and invitations about an occasion take their enrolment's (now the case's) unit."""

from django.db import migrations

from insyn.followup.scope_follow import repair_responses


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
        ("followup", "0003_enrollment_unit_follows_case"),
    ]

    operations = [migrations.RunPython(repair_responses, migrations.RunPython.noop)]
