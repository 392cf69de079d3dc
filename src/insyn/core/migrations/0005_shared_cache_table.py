"""The table behind the shared cache when no Redis is configured (`CACHE_TABLE` in settings).

Created by name whatever the cache in use, so switching from Redis to the database cache never
finds it missing; `createcachetable` skips a table that exists.
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

CACHE_TABLE = "insyn_cache"


def create(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop(apps, schema_editor):
    quoted = schema_editor.connection.ops.quote_name(CACHE_TABLE)
    schema_editor.execute(f"DROP TABLE IF EXISTS {quoted}")


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_org_paths_and_denied")]

    operations = [migrations.RunPython(create, drop)]
