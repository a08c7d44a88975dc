from .learning import Enrolment, LessonProgress, ReflectionNote
from .ledger import HoursTarget, TrainingRecord
from .offline import OfflineSession, SessionRegistration
from .pages import Category, CourseIndexPage, CoursePage, LessonPage

__all__ = [
    "Category",
    "CourseIndexPage",
    "CoursePage",
    "Enrolment",
    "HoursTarget",
    "LessonPage",
    "LessonProgress",
    "OfflineSession",
    "ReflectionNote",
    "SessionRegistration",
    "TrainingRecord",
]
