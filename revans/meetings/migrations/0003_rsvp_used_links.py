"""An RSVP link works once, even after a later one was used (issue 18): every used link's hash
is kept, not only the last."""

from django.db import migrations, models


def keep_the_last(apps, schema_editor):
    Rsvp = apps.get_model("meetings", "Rsvp")
    for rsvp in Rsvp.objects.exclude(link_hash=""):
        rsvp.used_links = [rsvp.link_hash]
        rsvp.save(update_fields=["used_links"])


class Migration(migrations.Migration):
    dependencies = [("meetings", "0002_prepare_notices")]

    operations = [
        migrations.AddField(
            model_name="rsvp",
            name="used_links",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(keep_the_last, migrations.RunPython.noop),
        migrations.RemoveField(model_name="rsvp", name="link_hash"),
    ]
