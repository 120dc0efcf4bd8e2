"""Django's Tasks framework, from the one place that chooses where it comes from.

Django 6 has it built in (`django.tasks`); on Django 5.2 the `django-tasks` backport provides the
same API. The queue itself is django-tasks-db's database backend either way (settings.TASKS), run
by its worker: `python manage.py db_worker`. Everything else imports `task` and the rest from here.
"""

from importlib.util import find_spec

BUILT_IN = find_spec("django.tasks") is not None

# The backport is a Django app of its own (its system checks); Django 6's framework is Django.
APPS = [] if BUILT_IN else ["django_tasks"]

if BUILT_IN:
    from django.tasks import TaskResultStatus, default_task_backend, task
else:
    from django_tasks import TaskResultStatus, default_task_backend, task

__all__ = ["APPS", "BUILT_IN", "TaskResultStatus", "default_task_backend", "task"]
