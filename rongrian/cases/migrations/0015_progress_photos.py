"""Photos staff attached to progress reports were stored as the complainant's own
("photo") and shown on the tracking page; they are progress photos."""

from django.db import migrations


def reclassify(apps, schema_editor):  # type: ignore[no-untyped-def]
    Attachment = apps.get_model("cases", "Attachment")
    Attachment.objects.filter(kind="photo", event__action="progress").update(kind="progress")


class Migration(migrations.Migration):
    dependencies = [("cases", "0014_case_org_updated")]

    operations = [migrations.RunPython(reclassify, migrations.RunPython.noop)]
