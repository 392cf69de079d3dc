"""Audit entries carry every org path that decides who may audit them (`org_paths`,
"|p1|p2|"), and a "denied" kind. Existing entries are back-filled where the data allows: a
client's entries get the client's registering unit and the units of its cases, programme and
questionnaire entries their owner's path, and what is left without a path the actor's
organisation. The append-only triggers are lifted only for the back-fill and put back as
they were (whatever triggers other migrations have added).
"""

from django.db import migrations, models

TABLES = ["core_accessentry", "core_changeentry"]
OWNED = {
    "followup.programme": ("followup", "Programme"),
    "surveys.questionnaire": ("surveys", "Questionnaire"),
}


def _joined(paths):
    paths = [p for p in dict.fromkeys(paths) if p]
    return f"|{'|'.join(paths)}|" if paths else ""


def _lift_triggers(schema_editor):
    """Drop (SQLite) or disable (PostgreSQL) the audit tables' triggers; return a restorer."""
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")

        def enable():
            for table in TABLES:
                schema_editor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")

        return enable
    with connection.cursor() as cursor:
        marks = ", ".join("%s" for _ in TABLES)
        cursor.execute(
            "SELECT name, sql FROM sqlite_master "  # noqa: S608
            f"WHERE type = 'trigger' AND tbl_name IN ({marks})",
            TABLES,
        )
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')

    def restore():
        with connection.cursor() as cursor:
            for _name, sql in triggers:
                cursor.execute(sql)

    return restore


def _ids(values):
    return [int(v) for v in values if str(v).isdigit()]


def _backfill(model, apps):
    from django.db.models import F, Q, Value
    from django.db.models.functions import Concat

    Client = apps.get_model("clients", "Client")
    Case = apps.get_model("clients", "Case")
    User = apps.get_model("accounts", "User")
    entries = model._base_manager.all()
    entries.exclude(org_path="").update(org_paths=Concat(Value("|"), F("org_path"), Value("|")))
    entries.filter(org_path="").update(org_paths="")
    # Entries about a client, or naming one, without a path: the client's units.
    pathless = entries.filter(org_path="")
    client_ids = set(
        _ids(pathless.filter(object_type="clients.client").values_list("object_id", flat=True))
    )
    client_ids |= set(pathless.filter(client_id__isnull=False).values_list("client_id", flat=True))
    for client in Client.objects.filter(pk__in=client_ids).select_related("unit"):
        cases = Case.objects.filter(client_id=client.pk).values_list("unit__path", flat=True)
        paths = [client.unit.path, *sorted(set(cases))]
        pathless.filter(
            Q(object_type="clients.client", object_id=str(client.pk)) | Q(client_id=client.pk)
        ).update(org_path=paths[0], org_paths=_joined(paths))
    # Programmes and questionnaires: their owner.
    for object_type, (app, name) in OWNED.items():
        ids = _ids(pathless.filter(object_type=object_type).values_list("object_id", flat=True))
        for obj in apps.get_model(app, name).objects.filter(pk__in=ids).select_related("owner"):
            pathless.filter(object_type=object_type, object_id=str(obj.pk)).update(
                org_path=obj.owner.path, org_paths=_joined([obj.owner.path])
            )
    # Whatever is left: the actor's organisation audits it.
    left = entries.filter(org_paths="", actor__isnull=False)
    actors = set(left.values_list("actor_id", flat=True))
    users = User.objects.filter(pk__in=actors, organisation__isnull=False)
    for user in users.select_related("organisation"):
        left.filter(actor_id=user.pk).update(org_paths=_joined([user.organisation.path]))


def forwards(apps, schema_editor):
    restore = _lift_triggers(schema_editor)
    for name in ("AccessEntry", "ChangeEntry"):
        _backfill(apps.get_model("core", name), apps)
    restore()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_no_delete"),
        ("clients", "0001_initial"),
        ("followup", "0001_initial"),
        ("surveys", "0001_initial"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="accessentry",
            name="org_paths",
            field=models.TextField(blank=True, null=True, verbose_name="org paths"),
        ),
        migrations.AddField(
            model_name="changeentry",
            name="org_paths",
            field=models.TextField(blank=True, null=True, verbose_name="org paths"),
        ),
        migrations.AlterField(
            model_name="accessentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("view", "Viewed"),
                    ("list", "Listed"),
                    ("export", "Exported"),
                    ("denied", "Denied (outside scope)"),
                ],
                max_length=10,
                verbose_name="action",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
