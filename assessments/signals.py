"""Signals that assessments sends; higher apps and other areas listen.

attempt_graded(attempt): an attempt has its final score (all items marked);
    sent on commit. Competencies and completion listen.
certificate_issued(certificate): a new certificate exists; sent on commit.
"""

from django.dispatch import Signal

attempt_graded = Signal()
certificate_issued = Signal()
