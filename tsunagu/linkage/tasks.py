"""Background work: the nightly linkage run (django-tasks; a worker runs `manage.py db_worker`)."""

from django_tasks import task

from . import services


@task()
def link_all_persons() -> dict:
    """Links every agency's persons, honouring coordinators' decisions, and refreshes the intake index.

    While another run is running this one is skipped: recorded as a skipped run, and raised (services.LinkageBusy), so
    the task's result says failed, never successful."""
    run = services.linkage_run()
    return {"run": run.pk, "records": run.records, "persons": run.persons, "households": run.households,
            "review_pairs": run.review_pairs}


def recover() -> None:
    """Called at each beat of the worker (core.worker): runs whose process stopped beating are marked failed."""
    services.linkage_runs_expire()
