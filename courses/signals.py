"""Signals that courses sends; other apps (certificates, competencies) listen.

course_completed(sender=Enrolment, enrolment=…) is sent once per completed
enrolment, after the transaction that completed it has committed.
"""

from django.dispatch import Signal

course_completed = Signal()
