from .assignments import (
    Assignment,
    AssignmentEnrolment,
    EnrolmentReminder,
    LearningPlan,
    LearningPlanCourse,
)
from .claims import ExternalHoursClaim
from .learning import Enrolment, LessonProgress, ReflectionNote
from .ledger import HoursTarget, TrainingRecord
from .offline import OfflineSession, SessionRegistration
from .pages import Category, CourseIndexPage, CoursePage, LessonPage

__all__ = [
    "Assignment",
    "AssignmentEnrolment",
    "Category",
    "CourseIndexPage",
    "CoursePage",
    "Enrolment",
    "EnrolmentReminder",
    "ExternalHoursClaim",
    "HoursTarget",
    "LearningPlan",
    "LearningPlanCourse",
    "LessonPage",
    "LessonProgress",
    "OfflineSession",
    "ReflectionNote",
    "SessionRegistration",
    "TrainingRecord",
]
