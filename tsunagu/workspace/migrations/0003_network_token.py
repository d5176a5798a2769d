"""The network's version token (`core.VersionToken` "network"): the 連携ネットワーク's pairs are computed by one
process and read by all while no referral, agency, meeting member or 会議・研修一覧 entry is written
(workspace.queries.network)."""

import uuid

from django.db import migrations


def network_token(apps, schema_editor):
    VersionToken = apps.get_model("core", "VersionToken")
    VersionToken.objects.get_or_create(name="network", defaults={"token": uuid.uuid4().hex})


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0004_shared_answer"),
        ("workspace", "0002_taskinventoryupload_taskinventoryversion"),
    ]

    operations = [
        migrations.RunPython(network_token, migrations.RunPython.noop),
    ]
