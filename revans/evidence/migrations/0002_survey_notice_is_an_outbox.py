# Survey notices are rows of the one outbox (revans.accounts.outbox): the same key length as meeting notices.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('evidence', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='surveynotice',
            name='key',
            field=models.CharField(max_length=200, unique=True),
        ),
    ]
