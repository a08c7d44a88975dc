"""Celery tasks of assessments; each area keeps its tasks in its own module."""

from .tasks_attempts import *  # noqa: F403
from .tasks_certificates import *  # noqa: F403
from .tasks_marking import *  # noqa: F403
