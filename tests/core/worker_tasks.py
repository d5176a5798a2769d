"""A task for the worker tests: the worker imports it by its path, as it does the app's own tasks."""

import time

from django_tasks import task
from django_tasks_db.models import DBTaskResult


@task()
def echo(value: str) -> str:
    return value


@task()
def nap_then_count(seconds: float) -> int:
    """Holds the worker's connection across a pause (in which the test cuts it), then uses it."""
    time.sleep(seconds)
    return DBTaskResult.objects.count()
