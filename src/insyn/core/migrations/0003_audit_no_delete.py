"""The database refuses DELETE (and TRUNCATE on PostgreSQL) on the audit tables, except inside
the one sanctioned hatch, `insyn.core.purge.purge_window()` (used by `audit_purge()`).

PostgreSQL: a statement trigger checks the transaction-local setting `insyn.audit_purge`, which
only `purge_window()` sets (`SET LOCAL`, so it ends with the transaction whatever happens).
SQLite has no settings and no roles: the trigger checks for a row in `insyn_audit_purge_window`,
which `purge_window()` inserts and removes inside the purging transaction (a rollback removes it
too). The table is not a Django model, so a flush never empties it by accident.
"""

from django.db import migrations

TABLES = ["core_accessentry", "core_changeentry"]
WINDOW = "insyn_audit_purge_window"
MESSAGE = "audit entries are append-only: removal only through audit_purge()"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TABLE {WINDOW} (id integer PRIMARY KEY AUTOINCREMENT, reason text NOT NULL)"
        )
        for table in TABLES:
            sql = (
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "  # noqa: S608
                f"WHEN NOT EXISTS (SELECT 1 FROM {WINDOW}) "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
            )
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION insyn_audit_no_delete() RETURNS trigger AS $$ "
            "BEGIN "
            "IF current_setting('insyn.audit_purge', true) IS DISTINCT FROM 'on' THEN "
            f"RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME; "
            "END IF; "
            "RETURN NULL; "
            "END; $$ LANGUAGE plpgsql;",
            params=None,  # the body's % are PL/pgSQL's, not placeholders
        )
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION insyn_audit_no_delete();"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION insyn_audit_no_delete();"
            )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    if vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {WINDOW}")
    elif vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS insyn_audit_no_delete()")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_append_only_triggers")]
    operations = [migrations.RunPython(forwards, backwards)]
