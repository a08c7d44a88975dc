"""Certificate issuing listens to course completion and queues the task."""

from django.dispatch import receiver

from courses.signals import course_completed


@receiver(course_completed, dispatch_uid="assessments.certificate_issue_queue")
def certificate_issue_queue(sender, enrolment, **kwargs):
    """Queue the issuing task after the commit, for courses that give certificates.

    course_completed is sent on commit already; delay_on_commit keeps it right
    if a sender ever sends it inside a transaction.
    """
    from .tasks_certificates import certificate_issue

    course = enrolment.course
    if course.certificate_enabled or course.certificate_renews_id:
        certificate_issue.delay_on_commit(enrolment.pk)
