"""Workers who join or move into an assigned subtree are enrolled automatically."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from people.models import WorkerProfile


@receiver(post_save, sender=WorkerProfile)
def enrol_on_assignments(sender, instance: WorkerProfile, raw=False, **kwargs):
    """A new profile, a move to another org unit, a new position, back in post.

    Runs on every save (one query when no assignment applies): enrolling is
    idempotent, and a worker who moves out keeps what they were given.
    """
    if raw:
        return
    from .services.assignments import assignments_enrol_worker

    assignments_enrol_worker(profile=instance)
