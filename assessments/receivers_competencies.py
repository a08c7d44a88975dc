"""Competency evidence arrives from graded attempts and completed courses.

Both signals are sent after their transaction has committed; the services add
each piece of evidence once, however often a signal repeats.
"""

from django.dispatch import receiver

from courses.signals import course_completed

from .services.competencies import (
    attempt_competency_evidence_add,
    course_competency_evidence_add,
)
from .signals import attempt_graded


@receiver(attempt_graded, dispatch_uid="competencies.attempt_graded")
def competency_evidence_from_attempt(sender, attempt, **kwargs):
    attempt_competency_evidence_add(attempt=attempt)


@receiver(course_completed, dispatch_uid="competencies.course_completed")
def competency_evidence_from_course(sender, enrolment, **kwargs):
    course_competency_evidence_add(enrolment=enrolment)
