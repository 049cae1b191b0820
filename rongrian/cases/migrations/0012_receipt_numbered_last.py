"""A new case is numbered last in its transaction (cases.receipts.number), so its receipt
fields are empty between its insert and its numbering.

SQLite changes a column by rebuilding the table, which drops the triggers that keep the
full-text table of migration 0007 in step: they are created again and the index rebuilt.
"""

import importlib

from django.db import migrations, models

search_index = importlib.import_module("rongrian.cases.migrations.0007_search_index")


def restore_sqlite_search(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in search_index.SQLITE[1:]:  # the triggers; the FTS5 table itself survives
        schema_editor.execute(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"))
    schema_editor.execute("INSERT INTO cases_case_fts(cases_case_fts) VALUES ('rebuild')")


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_case_live_unit")]

    operations = [
        # Run last either way: after the forward rebuild, and after the backward one.
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_search),
        migrations.AlterField(
            model_name="case",
            name="receipt_no",
            field=models.CharField(
                editable=False, max_length=32, null=True, unique=True, verbose_name="receipt number"
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="receipt_seq",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.RunPython(restore_sqlite_search, migrations.RunPython.noop),
    ]
