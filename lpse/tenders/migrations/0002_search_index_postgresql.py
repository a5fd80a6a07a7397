"""Trigram index for the public tender search, on PostgreSQL only.

The search filters `search_text LIKE '%term%'` for each term; on PostgreSQL a GIN index with
pg_trgm's operator class serves those filters. SQLite has no such index and scans (fine for
the embedded installation's size). `fastupdate = off`: new tenders go straight into the
index instead of a pending list, which would otherwise make the planner shun the index
until the next vacuum (tenders are written rarely, read very often).
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS tender_search_trgm ON tenders_tender "
        "USING gin (search_text gin_trgm_ops) WITH (fastupdate = off) "
        "WHERE published_at IS NOT NULL"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS tender_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("tenders", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
