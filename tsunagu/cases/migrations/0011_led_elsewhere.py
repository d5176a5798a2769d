"""Each case carries the agency that recorded its subject (`Case.subject_agency`), copied from its person or
household, so that the cases led by another agency (移管) are found on an index of their own (0012)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_subject_agency(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    HistoricalCase = apps.get_model("cases", "HistoricalCase")
    Person = apps.get_model("people", "Person")
    Household = apps.get_model("people", "Household")
    Case.objects.filter(person__isnull=False).update(
        subject_agency_id=Subquery(Person.objects.filter(pk=OuterRef("person_id")).values("agency_id")[:1]))
    Case.objects.filter(household__isnull=False).update(
        subject_agency_id=Subquery(Household.objects.filter(pk=OuterRef("household_id")).values("agency_id")[:1]))
    HistoricalCase.objects.update(
        subject_agency_id=Subquery(Case.objects.filter(pk=OuterRef("id")).values("subject_agency_id")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0003_staff_date_style'),
        ('cases', '0010_figure_dates'),
        ('people', '0006_agency_id_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='subject_agency',
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agencies.agency', verbose_name='本人・世帯を記録した機関'),
        ),
        migrations.AddField(
            model_name='historicalcase',
            name='subject_agency',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='agencies.agency', verbose_name='本人・世帯を記録した機関'),
        ),
        migrations.RunPython(copy_subject_agency, migrations.RunPython.noop),
    ]
