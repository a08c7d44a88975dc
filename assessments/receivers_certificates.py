"""Certificate issuing listens to course completion and queues the task."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from assessments.models import Certificate
from courses.signals import course_completed
from people.outbox import enqueue_on_commit


@receiver(course_completed, dispatch_uid="assessments.certificate_issue_queue")
def certificate_issue_queue(sender, enrolment, **kwargs):
    """Queue the issuing task after the commit, for courses that give certificates.

    course_completed is sent on commit already; enqueue_on_commit keeps it
    right if a sender ever sends it inside a transaction, and keeps the task in
    the outbox while the broker is down.
    """
    from .tasks_certificates import certificate_issue

    course = enrolment.course
    if course.certificate_enabled or course.certificate_renews_id:
        enqueue_on_commit(certificate_issue, enrolment.pk)


@receiver(post_save, sender=Certificate, dispatch_uid="assessments.verification_forget")
@receiver(post_delete, sender=Certificate, dispatch_uid="assessments.verification_gone")
def certificate_verification_forget_on_change(sender, instance, **kwargs):
    """Revoked, renewed or re-dated: the public check answers anew at once."""
    from .selectors.certificates import certificate_verification_forget

    certificate_verification_forget(code=instance.code)
    transaction.on_commit(lambda: certificate_verification_forget(code=instance.code))
