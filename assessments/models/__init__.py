"""Assessments: question banks, quizzes, attempts, competencies, certificates."""

from .attempts import Attempt, AttemptItem, QuizGrade
from .certificates import (
    Certificate,
    CertificateArchive,
    CertificateSerial,
    IssuerSettings,
)
from .competencies import (
    Competency,
    CompetencyEvidence,
    CompetencyFramework,
    CourseCompetency,
    QuestionCompetency,
    WorkerCompetency,
)
from .questions import (
    Question,
    QuestionBank,
    QuestionCategory,
    QuestionTag,
    QuestionVersion,
)
from .quizzes import Quiz, QuizDrawRule, QuizQuestion

__all__ = [
    "Attempt",
    "AttemptItem",
    "Certificate",
    "CertificateArchive",
    "CertificateSerial",
    "Competency",
    "CompetencyEvidence",
    "CompetencyFramework",
    "CourseCompetency",
    "IssuerSettings",
    "Question",
    "QuestionBank",
    "QuestionCategory",
    "QuestionCompetency",
    "QuestionTag",
    "QuestionVersion",
    "Quiz",
    "QuizDrawRule",
    "QuizGrade",
    "QuizQuestion",
    "WorkerCompetency",
]
