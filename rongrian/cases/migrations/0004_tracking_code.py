from django.db import migrations, models

import rongrian.cases.models


def fill_codes(apps, schema_editor):
    # A callable default is evaluated once for AddField: give every existing case its own.
    Case = apps.get_model("cases", "Case")
    batch = []
    for case in Case.objects.only("pk").iterator(chunk_size=2000):
        case.tracking_code = rongrian.cases.models.new_tracking_code()
        batch.append(case)
        if len(batch) >= 2000:
            Case.objects.bulk_update(batch, ["tracking_code"])
            batch = []
    if batch:
        Case.objects.bulk_update(batch, ["tracking_code"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_case_language_case_update_channel_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="tracking_code",
            field=models.CharField(default="", editable=False, max_length=12, verbose_name="tracking code"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="case",
            name="tracking_code",
            field=models.CharField(
                default=rongrian.cases.models.new_tracking_code,
                editable=False,
                max_length=12,
                verbose_name="tracking code",
            ),
        ),
    ]
