"""`Case.subject_agency` required, and the index of the cases led by another agency than their subject's (0011
copied the column; a migration of its own, as PostgreSQL alters no table with the copy's checks still pending)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0003_staff_date_style'),
        ('cases', '0011_led_elsewhere'),
    ]

    operations = [
        migrations.AlterField(
            model_name='case',
            name='subject_agency',
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agencies.agency', verbose_name='本人・世帯を記録した機関'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('lead_agency', models.F('subject_agency')), _negated=True), fields=['lead_agency', 'person', 'household'], name='cases_case_led_elsewhere'),
        ),
    ]
