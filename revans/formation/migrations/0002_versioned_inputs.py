# Runs stored before the inputs had a version are of the first shape: say so, so that
# RunInputs.from_json can read them and refuse anything it does not know.

from django.db import migrations, models


def stamp_version(apps, schema_editor):
    FormationRun = apps.get_model('formation', 'FormationRun')
    for run in FormationRun.objects.using(schema_editor.connection.alias).all():
        inputs = dict(run.inputs or {})
        if 'version' in inputs:
            continue
        inputs.setdefault('apart', [])
        inputs.setdefault('together', [])
        inputs.setdefault('pinned', [])
        inputs.setdefault('attributes', [])
        inputs.setdefault('avoid_repeats', False)
        inputs.setdefault('isolation', '')
        inputs.setdefault('departments', [])
        inputs['version'] = 1
        run.inputs = inputs
        run.save(update_fields=['inputs'])


class Migration(migrations.Migration):

    dependencies = [
        ('formation', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='formationrun',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='formationrun',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='formationrun',
            name='scores',
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.RunPython(stamp_version, migrations.RunPython.noop),
    ]
