from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# The directory's search is `UPPER(column) LIKE UPPER('%word%')` (Django's icontains) on these
# columns. On PostgreSQL a trigram index on each expression serves it without reading every
# person; SQLite has no such index and keeps scanning, which is quick at its sizes.
SEARCHED = ("full_name", "email", "job_title")


def _trigram_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in SEARCHED:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS person_search_{column} ON people_person "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def _drop_trigram_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED:
        schema_editor.execute(f"DROP INDEX IF EXISTS person_search_{column}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["full_name", "id"], name="person_name_order"),
        ),
        migrations.RunPython(_trigram_indexes, _drop_trigram_indexes, elidable=False),
    ]
