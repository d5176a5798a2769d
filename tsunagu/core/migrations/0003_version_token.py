import uuid

from django.db import migrations, models

NAMES = ("sharing", "figures", "gaps")


def first_tokens(apps, schema_editor):
    VersionToken = apps.get_model("core", "VersionToken")
    VersionToken.objects.bulk_create([VersionToken(name=name, token=uuid.uuid4().hex) for name in NAMES])


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_worker_beat"),
    ]

    operations = [
        migrations.CreateModel(
            name="VersionToken",
            fields=[
                ("name", models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name="種類")),
                ("token", models.CharField(max_length=32)),
            ],
            options={
                "verbose_name": "計算結果の版",
                "verbose_name_plural": "計算結果の版",
            },
        ),
        migrations.RunPython(first_tokens, migrations.RunPython.noop),
    ]
