"""What courses does when other parts of the system act: migrations, publishing."""

from django.db.models.signals import post_delete, post_migrate
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from .models import LessonPage


@receiver(post_migrate)
def ensure_course_section(sender, **kwargs):
    if sender.name == "courses":
        from .publishing import course_section_ensure

        course_section_ensure()


@receiver(page_published, sender=LessonPage)
@receiver(page_unpublished, sender=LessonPage)
@receiver(post_delete, sender=LessonPage)
def recount_course_lessons(sender, instance, **kwargs):
    """A lesson appeared, changed or went away: progress bars must still add up.

    Completion itself counts again at check time; this keeps the stored
    counters that lists (我的学习, the catalog) show right as well.
    """
    from .services.learning import course_counts_refresh

    if instance.path:
        course_counts_refresh(course_path=instance.course_path)
