"""A sitting takes up its own agenda items (SittingItem as the record of it). A sitting that already has
discussions keeps exactly those items (its record); the others take up the default until their items are chosen."""

from django.db import migrations, models


def discussed_sittings_chosen(apps, schema_editor):
    Sitting = apps.get_model("meetings", "Sitting")
    SittingItem = apps.get_model("meetings", "SittingItem")
    Sitting.objects.filter(pk__in=SittingItem.objects.values("sitting_id")).update(items_chosen=True)


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0005_agenda_members'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalsitting',
            name='items_chosen',
            field=models.BooleanField(default=False, verbose_name='取り上げる検討事項を決めた'),
        ),
        migrations.AddField(
            model_name='sitting',
            name='agenda_items',
            field=models.ManyToManyField(blank=True, related_name='sittings', through='meetings.SittingItem', to='meetings.agendaitem', verbose_name='取り上げる検討事項'),
        ),
        migrations.AddField(
            model_name='sitting',
            name='items_chosen',
            field=models.BooleanField(default=False, verbose_name='取り上げる検討事項を決めた'),
        ),
        migrations.AlterField(
            model_name='meetingevent',
            name='kind',
            field=models.CharField(choices=[('created', '会議を作成'), ('member_added', '構成員を追加'), ('member_removed', '構成員から除外'), ('member_left', '構成員が脱退'), ('pledge_recorded', '守秘義務の誓約を記録'), ('agenda_added', '検討事項に追加'), ('agenda_ended', '検討事項を終了'), ('proposal_made', '検討事項を提案'), ('proposal_accepted', '提案を受け入れ'), ('proposal_declined', '提案を見送り'), ('sitting_items', '開催で取り上げる検討事項を変更')], max_length=30, verbose_name='内容'),
        ),
        migrations.RunPython(discussed_sittings_chosen, migrations.RunPython.noop),
    ]
