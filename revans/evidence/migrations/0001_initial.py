# Takes over the evidence's models from impact (see impact 0006): the tables already exist, so
# only Django's state changes, and the content types (with their permissions) follow the models.

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models

MOVED = ['surveyplan', 'survey', 'receipt', 'answer', 'surveynotice', 'careeroutcome', 'baseline', 'boardreport']


def move_content_types(apps, schema_editor, old='impact', new='evidence'):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label=old, model__in=MOVED
    ).update(app_label=new)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, old='evidence', new='impact')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('impact', '0006_evidence_moves_out'),
        ('meetings', '0003_rsvp_used_links'),
        ('programmes', '0006_facilitator_added_by'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Survey',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('climate', 'Climate'), ('evaluation', 'Session evaluation'), ('self_before', 'Self-assessment, before'), ('self_after', 'Self-assessment, after')], max_length=12)),
                        ('round', models.PositiveSmallIntegerField(default=0)),
                        ('items', models.JSONField(default=list)),
                        ('opens_at', models.DateTimeField()),
                        ('closes_at', models.DateTimeField()),
                        ('key', models.CharField(max_length=100, unique=True)),
                        ('learning_set', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='surveys', to='programmes.learningset')),
                        ('meeting', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='meetings.meeting')),
                    ],
                    options={
                        'ordering': ['opens_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Receipt',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('participant', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='programmes.participant')),
                        ('survey', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='receipts', to='evidence.survey')),
                    ],
                ),
                migrations.CreateModel(
                    name='Answer',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('scores', models.JSONField(default=dict)),
                        ('recommend', models.BooleanField(blank=True, null=True)),
                        ('text', models.TextField(blank=True, max_length=2000)),
                        ('survey', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='evidence.survey')),
                    ],
                ),
                migrations.CreateModel(
                    name='SurveyNotice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('invitation', 'Invitation'), ('reminder', 'Reminder')], max_length=12)),
                        ('key', models.CharField(max_length=120, unique=True)),
                        ('claimed_at', models.DateTimeField(blank=True, null=True)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('skipped', models.CharField(blank=True, max_length=100)),
                        ('survey', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notices', to='evidence.survey')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                ),
                migrations.CreateModel(
                    name='SurveyPlan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('climate_every_weeks', models.PositiveSmallIntegerField(default=12, validators=[django.core.validators.MaxValueValidator(52)], verbose_name='climate survey every (weeks; 0: at the start and the end only)')),
                        ('answer_days', models.PositiveSmallIntegerField(default=14, validators=[django.core.validators.MinValueValidator(2), django.core.validators.MaxValueValidator(60)], verbose_name='days to answer')),
                        ('evaluate_meetings', models.BooleanField(default=True, verbose_name='ask for an evaluation after each meeting')),
                        ('self_assessment', models.TextField(blank=True, max_length=3000, verbose_name='self-assessment items, one a line (none: no self-assessment)')),
                        ('programme', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='survey_plan', to='programmes.programme')),
                    ],
                ),
                migrations.CreateModel(
                    name='Baseline',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('promotion', 'Promotion'), ('award', 'Award'), ('left', 'Left the organisation')], max_length=10, verbose_name='what happened')),
                        ('people', models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(10000000)], verbose_name='people in the comparison group')),
                        ('events', models.PositiveIntegerField(validators=[django.core.validators.MaxValueValidator(10000000)], verbose_name='of whom it happened to')),
                        ('period', models.CharField(default='the last year', max_length=100, verbose_name='over what period')),
                        ('group', models.CharField(blank=True, max_length=200, verbose_name='who they are')),
                        ('programme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='baselines', to='programmes.programme')),
                    ],
                    options={
                        'constraints': [models.UniqueConstraint(fields=('programme', 'kind'), name='one_baseline_a_kind'), models.CheckConstraint(condition=models.Q(('events__lte', models.F('people'))), name='baseline_events_le_people'), models.CheckConstraint(condition=models.Q(('people__gte', 1)), name='baseline_has_people')],
                    },
                ),
                migrations.CreateModel(
                    name='BoardReport',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('status', models.CharField(choices=[('waiting', 'Waiting'), ('building', 'Building'), ('ready', 'Ready'), ('failed', 'Failed')], default='waiting', max_length=10)),
                        ('progress', models.PositiveSmallIntegerField(default=0)),
                        ('step', models.CharField(blank=True, max_length=100)),
                        ('content', models.BinaryField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('expires_at', models.DateTimeField(blank=True, null=True)),
                        ('programme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='programmes.programme')),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'constraints': [models.UniqueConstraint(condition=models.Q(('status__in', ['waiting', 'building'])), fields=('programme', 'requested_by'), name='one_report_in_the_making')],
                    },
                ),
                migrations.CreateModel(
                    name='CareerOutcome',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('promotion', 'Promotion'), ('award', 'Award'), ('left', 'Left the organisation')], max_length=10, verbose_name='what happened')),
                        ('happened_on', models.DateField(verbose_name='when')),
                        ('note', models.CharField(blank=True, max_length=300, verbose_name='note (for admins)')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('participant', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='programmes.participant')),
                        ('programme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='outcomes', to='programmes.programme')),
                        ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['happened_on', 'pk'],
                        'constraints': [models.UniqueConstraint(fields=('programme', 'participant', 'kind', 'happened_on'), name='outcome_once')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='survey',
                    constraint=models.CheckConstraint(condition=models.Q(('closes_at__gt', models.F('opens_at'))), name='survey_closes_after'),
                ),
                migrations.AddConstraint(
                    model_name='receipt',
                    constraint=models.UniqueConstraint(fields=('survey', 'participant'), name='one_answer_a_person'),
                ),
                migrations.AddIndex(
                    model_name='surveynotice',
                    index=models.Index(fields=['sent_at', 'claimed_at'], name='surveynotice_due'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
        # Survey notices are rows of the one outbox (revans.accounts.outbox): its key length.
        migrations.AlterField(
            model_name='surveynotice',
            name='key',
            field=models.CharField(max_length=200, unique=True),
        ),
    ]
