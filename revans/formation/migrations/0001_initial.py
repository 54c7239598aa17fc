# Takes over FormationRun from programmes (see programmes 0003): the table already exists,
# so only Django's state changes, and the content type (with its permissions) follows the model.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, old='programmes', new='formation'):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label=old, model='formationrun'
    ).update(app_label=new)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, old='formation', new='programmes')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('programmes', '0003_formation_run_moves_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='FormationRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('inputs', models.JSONField()),
                        ('seed', models.PositiveIntegerField(default=1)),
                        ('seconds', models.PositiveSmallIntegerField(default=10)),
                        ('solver_version', models.CharField(blank=True, max_length=40)),
                        ('status', models.CharField(choices=[('queued', 'Waiting to start'), ('running', 'Running'), ('done', 'Proposal ready'), ('failed', 'Could not form sets'), ('cancelled', 'Cancelled'), ('accepted', 'Accepted')], default='queued', max_length=12)),
                        ('progress', models.FloatField(default=0.0)),
                        ('cancel_requested', models.BooleanField(default=False)),
                        ('solved_groups', models.JSONField(blank=True, null=True)),
                        ('groups', models.JSONField(blank=True, null=True)),
                        ('objective', models.FloatField(blank=True, null=True)),
                        ('random_objective', models.FloatField(blank=True, null=True)),
                        ('problems', models.JSONField(blank=True, default=list)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('accepted_at', models.DateTimeField(blank=True, null=True)),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('programme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='formation_runs', to='programmes.programme')),
                    ],
                    options={
                        'ordering': ['-created_at'],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back, elidable=True),
    ]
