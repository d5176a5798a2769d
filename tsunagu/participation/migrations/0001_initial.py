"""参加支援 leaves the directory: the models Placement, HistoricalPlacement and PlacementCheckIn move from `resources` to
this app. Only Django's picture of them moves (state_operations); the tables keep their names (resources_placement,
resources_historicalplacement, resources_placementcheckin) and their rows, so nothing is copied and nothing is
written but the content types' app label. resources 0007 removes the models from the directory's state afterwards.
"""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MOVED = ["placement", "historicalplacement", "placementcheckin"]


def content_types_to(app_label, other):
    def move(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        content_type.objects.filter(app_label=other, model__in=MOVED).update(app_label=app_label)
    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('agencies', '0001_initial'),
        ('cases', '0002_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('people', '0001_initial'),
        ('resources', '0006_service_grams_name_order'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalPlacement',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('purpose', models.CharField(choices=[('work_experience', '就労体験'), ('place', '居場所'), ('learning', '学習支援'), ('volunteer', 'ボランティア'), ('other', 'その他')], max_length=20, verbose_name='目的')),
                        ('arrangement', models.TextField(blank=True, help_text='本人に合わせて調整したこと（時間・役割・配慮など）', verbose_name='オーダーメイドの内容')),
                        ('host_contact', models.CharField(blank=True, max_length=200, verbose_name='受け入れ先の担当者・連絡先')),
                        ('started_on', models.DateField(default=django.utils.timezone.localdate, verbose_name='開始日')),
                        ('ended_on', models.DateField(blank=True, null=True, verbose_name='終了日')),
                        ('end_reason', models.CharField(blank=True, max_length=200, verbose_name='終了の理由')),
                        ('status', models.CharField(choices=[('active', '継続中'), ('ended', '終了')], default='active', max_length=10, verbose_name='状態')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('version', models.PositiveIntegerField(default=1, editable=False)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('agency', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='agencies.agency', verbose_name='つないだ機関')),
                        ('case', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.case', verbose_name='支援ケース')),
                        ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='記録した職員')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('person', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='people.person', verbose_name='本人')),
                        ('service', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='resources.service', verbose_name='社会資源')),
                    ],
                    options={
                        'verbose_name': 'historical 参加支援',
                        'verbose_name_plural': 'historical 参加支援',
                        'db_table': 'resources_historicalplacement',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='Placement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('purpose', models.CharField(choices=[('work_experience', '就労体験'), ('place', '居場所'), ('learning', '学習支援'), ('volunteer', 'ボランティア'), ('other', 'その他')], max_length=20, verbose_name='目的')),
                        ('arrangement', models.TextField(blank=True, help_text='本人に合わせて調整したこと（時間・役割・配慮など）', verbose_name='オーダーメイドの内容')),
                        ('host_contact', models.CharField(blank=True, max_length=200, verbose_name='受け入れ先の担当者・連絡先')),
                        ('started_on', models.DateField(default=django.utils.timezone.localdate, verbose_name='開始日')),
                        ('ended_on', models.DateField(blank=True, null=True, verbose_name='終了日')),
                        ('end_reason', models.CharField(blank=True, max_length=200, verbose_name='終了の理由')),
                        ('status', models.CharField(choices=[('active', '継続中'), ('ended', '終了')], default='active', max_length=10, verbose_name='状態')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('version', models.PositiveIntegerField(default=1, editable=False)),
                        ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agencies.agency', verbose_name='つないだ機関')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='placements', to='cases.case', verbose_name='支援ケース')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='記録した職員')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='placements', to='people.person', verbose_name='本人')),
                        ('service', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='placements', to='resources.service', verbose_name='社会資源')),
                    ],
                    options={
                        'verbose_name': '参加支援',
                        'verbose_name_plural': '参加支援',
                        'db_table': 'resources_placement',
                        'ordering': ['-started_on', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='PlacementCheckIn',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('on', models.DateField(default=django.utils.timezone.localdate, verbose_name='日付')),
                        ('note', models.TextField(verbose_name='様子')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agencies.agency')),
                        ('placement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='check_ins', to='participation.placement')),
                        ('staff', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'resources_placementcheckin',
                        'ordering': ['-on', '-id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='placement',
                    index=models.Index(fields=['case', 'started_on'], name='resources_p_case_id_a93a29_idx'),
                ),
            ],
            database_operations=[],
        ),
        # the content types (and so any permission) follow the models; on a fresh database there are none yet
        migrations.RunPython(content_types_to("participation", "resources"), content_types_to("resources", "participation")),
    ]
