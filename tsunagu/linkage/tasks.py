"""Background work: the nightly linkage run (django-tasks; a worker runs `manage.py db_worker`)."""

from django_tasks import task

from . import services


@task()
def link_all_persons() -> dict:
    """Links every agency's persons, honouring coordinators' decisions, and refreshes the intake index."""
    try:
        run = services.linkage_run()
    except services.LinkageBusy as busy:  # the nightly run while a manual one is still going: nothing to do
        return {"skipped": busy.messages[0]}
    return {"run": run.pk, "records": run.records, "persons": run.persons, "households": run.households,
            "review_pairs": run.review_pairs}
