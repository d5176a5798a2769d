"""参加支援 is its own app (participation 0001 took over the models): the directory forgets them. State only — the
tables and their rows stay where they are, now the participation app's."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('participation', '0001_initial'),
        ('resources', '0006_service_grams_name_order'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='PlacementCheckIn'),
                migrations.DeleteModel(name='HistoricalPlacement'),
                migrations.DeleteModel(name='Placement'),
            ],
            database_operations=[],
        ),
    ]
