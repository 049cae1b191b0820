"""Stage clocks carry their case's organisation, so the overdue and escalated queues are
counted from the clocks' own indexes (the supervisor's home at 1,000,000 cases visited
every overdue case to count them)."""

import django.db.models.deletion
from django.db import migrations, models

FILL = {
    "postgresql": "UPDATE sla_stageclock k SET organisation_id = c.organisation_id "
    "FROM cases_case c WHERE c.id = k.case_id",
    "sqlite": "UPDATE sla_stageclock SET organisation_id = "
    "(SELECT organisation_id FROM cases_case WHERE cases_case.id = sla_stageclock.case_id)",
}


def fill(apps, schema_editor):
    schema_editor.execute(FILL[schema_editor.connection.vendor])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_search_vector"),
        ("org", "0001_initial"),
        ("sla", "0002_stageclock_escalation_slapolicy_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="stageclock",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="stageclock",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AddIndex(
            model_name="stageclock",
            index=models.Index(
                condition=models.Q(("finished_at__isnull", True), ("paused_at__isnull", True)),
                fields=["organisation", "due_at"],
                include=["case"],
                name="clock_org_running_due",
            ),
        ),
        migrations.AddIndex(
            model_name="stageclock",
            index=models.Index(
                condition=models.Q(("escalation_level__gt", 0), ("finished_at__isnull", True)),
                fields=["organisation"],
                include=["case"],
                name="clock_org_escalated",
            ),
        ),
    ]
