from django.db import migrations, models


def end_all_but_the_latest_running(apps, schema_editor):
    """Runs left "running" by a stopped process, except the latest, become failed: only one may be running."""
    LinkageRun = apps.get_model("linkage", "LinkageRun")
    running = list(LinkageRun.objects.filter(status="running").order_by("-started_at", "-id").values_list("pk", flat=True))
    LinkageRun.objects.filter(pk__in=running[1:]).update(status="failed", message="中断（同時に実行中だった古い実行）")


class Migration(migrations.Migration):

    dependencies = [
        ("linkage", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(end_all_but_the_latest_running, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="linkagerun",
            constraint=models.UniqueConstraint(condition=models.Q(("status", "running")), fields=("status",),
                                               name="linkage_one_run_at_a_time"),
        ),
    ]
