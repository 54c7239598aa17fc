# Meeting notices are rows of the one outbox (revans.accounts.outbox): its index takes the outbox's name.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0003_rsvp_used_links'),
    ]

    operations = [
        migrations.RenameIndex(
            model_name='notice',
            new_name='notice_due',
            old_name='meetings_no_sent_at_3567b6_idx',
        ),
    ]
