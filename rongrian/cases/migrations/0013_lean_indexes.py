"""Fewer indexes to write per new complaint: foreign keys that a composite index already
starts with lose their own index, indexes on mostly empty columns become partial, and
the receipt number keeps one unique index (no pattern-ops twin on PostgreSQL).

SQLite changes a column by rebuilding the table, which drops the full-text triggers of
migration 0007: they are restored as in migration 0012.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

restore = importlib.import_module("rongrian.cases.migrations.0012_receipt_numbered_last")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_receipt_numbered_last"),
        ("catalog", "0003_description_translations"),
        ("org", "0003_totp"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore.restore_sqlite_search),
        migrations.RemoveIndex(
            model_name="case",
            name="case_unit_status",
        ),
        migrations.RemoveIndex(
            model_name="case",
            name="case_assignee_status",
        ),
        migrations.AlterField(
            model_name="case",
            name="assignee",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="assigned_cases",
                to="org.staff",
                verbose_name="assigned to",
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="merged_into",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="merged_cases",
                to="cases.case",
                verbose_name="merged into",
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="org.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="receipt_no",
            field=models.CharField(
                editable=False, max_length=32, null=True, verbose_name="receipt number"
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="referred_to",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                to="org.externalagency",
                verbose_name="referred to",
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="org.unit",
                verbose_name="responsible unit",
            ),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                to=settings.AUTH_USER_MODEL,
                verbose_name="by",
            ),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="actor_unit",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.unit",
            ),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="case",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="cases.case",
                verbose_name="case",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("unit__isnull", False)),
                fields=["unit", "status"],
                name="case_unit_status",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("assignee__isnull", False)),
                fields=["assignee", "status"],
                name="case_assignee_status",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("referred_to__isnull", False)),
                fields=["referred_to"],
                name="case_referred_to",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", False)),
                fields=["merged_into"],
                name="case_merged_into",
            ),
        ),
        migrations.AddIndex(
            model_name="caseevent",
            index=models.Index(
                condition=models.Q(("actor__isnull", False)), fields=["actor"], name="event_actor"
            ),
        ),
        migrations.AddIndex(
            model_name="caseevent",
            index=models.Index(
                condition=models.Q(("actor_unit__isnull", False)),
                fields=["actor_unit"],
                name="event_actor_unit",
            ),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.UniqueConstraint(
                fields=("receipt_no",), name="case_receipt_no_unique"
            ),
        ),
        migrations.RunPython(restore.restore_sqlite_search, migrations.RunPython.noop),
    ]
