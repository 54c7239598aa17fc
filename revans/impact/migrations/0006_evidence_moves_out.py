# The evidence beyond money moves to its own app (revans.evidence). Each table is renamed in
# place, so every survey, answer, outcome and report is kept; evidence's 0001 takes the models
# over in Django's state. A claim's attachment is called what it is: a claim file.

from django.db import migrations

MOVED = ['surveyplan', 'survey', 'receipt', 'answer', 'surveynotice', 'careeroutcome', 'baseline', 'boardreport']


class Migration(migrations.Migration):

    dependencies = [
        ('impact', '0005_claim_releases'),
    ]

    operations = [
        migrations.RenameModel('EvidenceFile', 'ClaimFile'),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RenameIndex(
                    'surveynotice', new_name='surveynotice_due', old_name='impact_surv_sent_at_1e4ea6_idx'
                ),
                *(migrations.AlterModelTable(name, f'evidence_{name}') for name in MOVED),
            ],
            state_operations=[
                # Those that point at another go first.
                migrations.DeleteModel(name)
                for name in ['Receipt', 'Answer', 'SurveyNotice', 'Survey', 'SurveyPlan', 'CareerOutcome', 'Baseline', 'BoardReport']
            ],
        ),
    ]
