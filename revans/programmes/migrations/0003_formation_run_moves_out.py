# FormationRun moves to its own app (revans.formation). The table is renamed in place, so
# every existing run is kept; formation's 0001 takes the model over in Django's state.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0002_formation_run'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable('formationrun', 'formation_formationrun'),
            ],
            state_operations=[
                migrations.DeleteModel('FormationRun'),
            ],
        ),
    ]
