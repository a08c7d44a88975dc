"""Other people's ids: for every route with a parameter, a real object that
belongs to somebody else, who tries it, and who may see it.

Used by tests/security/test_other_peoples_ids.py (every persona outside gets
nothing and changes nothing) and tests/security/test_csrf.py (the owner's
POST needs a CSRF token). Keys are the permission matrix's route keys.

The people (tests/conftest.py): worker lives in 东湖街道, other_worker in
西山街道; hr_street's scope is 东湖街道, so every object of other_worker is
outside it, while hr_district (连心区) sees it. ``organiser`` is a second
trainer who runs an offline session (the ``trainer`` persona does not).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.test.client import ClientHandler
from django.utils import timezone
from rest_framework.test import APIClient
from wagtail.models import Collection, CollectionViewRestriction

from assessments.models import (
    Attempt,
    AttemptItem,
    Certificate,
    CertificateArchive,
    CompetencyEvidence,
    Question,
)
from assessments.services.attempts import attempt_start
from courses.models import (
    Assignment,
    Enrolment,
    ExternalHoursClaim,
    LearningPlan,
    LessonPage,
    LessonProgress,
    ReflectionNote,
    SessionRegistration,
    TrainingRecord,
)
from courses.services.learning import enrolment_create, lesson_complete
from courses.services.ledger import hours_credit
from people import roles
from people.models import Notification
from people.notifications import notification_send
from people.roster import roster_import_create
from records.models import ExportJob
from records.services.tokens import api_token_create
from tests.factories.assessments import QuestionFactory, QuizFactory
from tests.factories.assignments import (
    AssignmentFactory,
    ClaimFactory,
    LearningPlanFactory,
)
from tests.factories.attempts import attempt_finished, attempt_submitted
from tests.factories.courses import CoursePageFactory, LessonPageFactory, document
from tests.factories.offline import (
    OfflineSessionFactory,
    SessionRegistrationFactory,
    in_progress,
)
from tests.factories.people import UserFactory
from wellbeing.models import Instrument
from wellbeing.services.assessments import consent_give, result_create


class Target(NamedTuple):
    """One real object of somebody else, as a request."""

    url: str
    # What its owner's page shows (str in the text, bytes in a file), proving
    # that the id was real.
    shows: str | bytes = ""
    # Read before and after each request: an intruder must change nothing.
    state: Callable[[], object] | None = None
    # The body of the route's POST (a GET route's form, when it has one).
    data: dict | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class Probe:
    """Who tries a route with somebody else's object, and what they get."""

    build: Callable[[World], Target]
    # persona -> the status they get (and the error page with it)
    intruders: dict[str, int]
    # who may use the object: gets ``owner_status`` and sees ``shows``
    owner: str
    method: str = "get"
    owner_status: int = 200
    # The owner's request changes ``state`` (a POST doing its work).
    owner_changes: bool = False
    # A GET route whose view also takes a form: intruders POST it too.
    form: bool = False
    api: bool = False


TRAINER_ONLY = {"worker": 403, "hr_district": 403}
_HANDLERS: dict[bool, ClientHandler] = {}


def _handler(*, csrf: bool) -> ClientHandler:
    """One request handler for all the clients, as one server process has.

    Each test client would load the middleware again (WhiteNoise scans every
    static file then), which made these tests several times slower.
    """
    if csrf not in _HANDLERS:
        _HANDLERS[csrf] = ClientHandler(enforce_csrf_checks=csrf)
    return _HANDLERS[csrf]


class World:
    """The personas of tests/conftest.py and the objects the probes make."""

    def __init__(self, request):
        self.request = request

    def user(self, name: str):
        if name == "organiser":
            return self.organiser
        return self.request.getfixturevalue(name)

    @cached_property
    def org(self):
        return self.request.getfixturevalue("org")

    @cached_property
    def organiser(self):
        return UserFactory(username="organiser", name="钱老师", roles=[roles.TRAINER])

    def client(self, persona: str, *, api: bool = False, csrf: bool = False):
        """A client signed in as the persona; for the API, by an HR token."""
        if api and persona in ("hr_street", "hr_district", "admin"):
            client = APIClient()
            _token, raw = api_token_create(user=self.user(persona), name="人事系统")
            client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
            return client
        client = Client(enforce_csrf_checks=csrf)
        client.handler = _handler(csrf=csrf)
        if persona != "anonymous":
            client.force_login(self.user(persona))
        return client

    # --- objects of 西山街道 (other_worker's street) ---------------------------
    @cached_property
    def xishan_course(self):
        """A course for 西山街道 only: worker (东湖) may not even see it."""
        course = CoursePageFactory(
            title="西山街道网格治理专题", audience=[self.org["xishan"]]
        )
        LessonPageFactory(course=course, title="西山第一课 网格走访")
        return course

    @cached_property
    def xishan_lesson(self):
        return LessonPage.objects.child_of(self.xishan_course).live().first()

    def enrolled(self):
        """other_worker enrolled on the 西山 course."""
        return enrolment_create(
            user=self.user("other_worker"), course=self.xishan_course
        )

    @cached_property
    def completion(self):
        enrolment = self.enrolled()
        lesson_complete(user=self.user("other_worker"), lesson=self.xishan_lesson)
        enrolment.refresh_from_db()
        return enrolment

    @cached_property
    def training_record(self):
        record, _created = hours_credit(
            user=self.user("other_worker"),
            year=timezone.localdate().year,
            hours=Decimal("3.0"),
            source=TrainingRecord.Source.OFFLINE,
            reference="test:xishan-offline",
            title="西山街道线下培训",
        )
        return record

    def certificate(self, **fields):
        """A certificate of other_worker (a row as the service stores it)."""
        user = self.user("other_worker")
        course = self.xishan_course
        return Certificate.objects.create(
            user=user,
            course=course,
            cycle=1,
            serial=f"LX-{timezone.localdate().year}-{secrets.randbelow(10**6):06d}",
            code=secrets.token_urlsafe(24),
            holder_name=user.get_full_name(),
            course_title=course.title,
            hours=course.credit_hours,
            completed_on=timezone.localdate() - timedelta(days=30),
            issuer_name="连心区社区工作者培训中心",
            **fields,
        )

    @cached_property
    def essay(self):
        return QuestionFactory(type=Question.Type.ESSAY, name="调解开场白论述")

    @cached_property
    def essay_quiz(self):
        return QuizFactory(
            title="西山网格随堂测验", questions=[self.essay], course=self.xishan_course
        )

    def open_attempt(self):
        """other_worker's attempt in progress on a quiz of the 西山 course."""
        quiz = QuizFactory(
            title="西山网格随堂测验",
            questions=[QuestionFactory(name="网格走访频次")],
            course=self.xishan_course,
        )
        self.enrolled()
        return attempt_start(quiz=quiz, user=self.user("other_worker"))

    def essay_item(self):
        attempt = attempt_submitted(
            quiz=self.essay_quiz,
            user=self.user("other_worker"),
            answers={self.essay: {"text": "先倾听双方诉求再调解"}},
        )
        return attempt.items.get()

    def session(self, *, running=False):
        """A session of the 西山 course run by organiser; other_worker registered."""
        make = in_progress if running else OfflineSessionFactory
        session = make(
            title="西山街道调解实务培训",
            course=self.xishan_course,
            organiser=self.organiser,
        )
        SessionRegistrationFactory(session=session, user=self.user("other_worker"))
        return session

    def claim(self):
        return ClaimFactory(user=self.user("other_worker"), title="市民政局网格培训班")

    def assignment(self):
        return AssignmentFactory(
            course=self.xishan_course,
            org_unit=self.org["xishan"],
            created_by=self.user("hr_district"),
        )

    def export_job(self, **fields):
        return ExportJob.objects.create(
            user=self.user("hr_district"), format=ExportJob.Format.CSV, **fields
        )

    def archive(self, **fields):
        return CertificateArchive.objects.create(
            requested_by=self.user("hr_district"), course=self.xishan_course, **fields
        )


# --- the builders, one per route ------------------------------------------------


def _api(path: str, obj_of: Callable[[World], object]) -> Probe:
    def build(w: World) -> Target:
        obj = obj_of(w)
        return Target(f"/api/v1/{path}/{obj.pk}/", shows=f'"id":{obj.pk}')

    return Probe(build, {"hr_street": 404, "worker": 403}, "hr_district", api=True)


def _notification(w: World) -> Notification:
    return notification_send(
        user=w.user("other_worker"),
        title="西山街道培训提醒",
        url="/learning/",
        email=False,
    )


def _note_open(w):
    note = _notification(w)
    return Target(
        f"/notifications/{note.pk}/",
        state=lambda: Notification.objects.get(pk=note.pk).read_at,
    )


def _note_clear(w):
    note = _notification(w)
    return Target(
        f"/notifications/{note.pk}/clear/",
        state=lambda: Notification.objects.filter(pk=note.pk).exists(),
    )


def _enrol(w):
    course = w.xishan_course
    return Target(
        f"/learn/courses/{course.pk}/enrol/",
        state=lambda: sorted(
            Enrolment.objects.filter(course=course).values_list("user_id", flat=True)
        ),
    )


def _progress_state(lesson):
    return lambda: sorted(
        LessonProgress.objects.filter(lesson_id=lesson.pk).values_list(
            "enrolment__user_id", "completed_at", "video_percent"
        )
    )


def _complete(w):
    w.enrolled()
    lesson = w.xishan_lesson
    return Target(
        f"/learn/lessons/{lesson.pk}/complete/", state=_progress_state(lesson)
    )


def _video(w):
    clip = document("网格走访示范", content=b"\x00\x00\x00\x18ftypmp42", name="a.mp4")
    lesson = LessonPageFactory(
        course=w.xishan_course, body=[("video", {"video": clip})]
    )
    w.enrolled()
    return Target(
        f"/learn/lessons/{lesson.pk}/video-progress/",
        shows='"percent": 50',
        state=_progress_state(lesson),
        data={"position": "30", "duration": "60"},
    )


def _reflection(w):
    lesson = LessonPageFactory(
        course=w.xishan_course,
        body=[("reflection", {"question": "你会怎样开场？"})],
    )
    w.enrolled()
    block_id = lesson.body[0].id
    return Target(
        f"/learn/lessons/{lesson.pk}/reflections/{block_id}/",
        state=lambda: sorted(
            ReflectionNote.objects.filter(lesson_id=lesson.pk).values_list(
                "user_id", "text"
            )
        ),
        data={"text": "先倾听双方诉求"},
    )


def _media(w):
    private = Collection.get_first_root_node().add_child(name="培训师内部资料")
    clip = document("内部示范录像", content=b"internal-clip-bytes", name="b.mp4")
    clip.collection = private
    clip.save()
    restriction = CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.get(name=roles.GROUP_NAMES[roles.TRAINER]))
    return Target(f"/media/{clip.pk}/stream/", shows=b"internal-clip-bytes")


def _hours(w):
    record = w.training_record
    return Target(
        f"/hours/{record.pk}/correct/",
        shows="李青",
        state=lambda: TrainingRecord.objects.filter(user=record.user).count(),
        data={"hours": "-1.0", "reason": "重复登记", "confirm": "1"},
    )


def _session(path: str, *, running=False, data=None, registration_state=False):
    def build(w):
        session = w.session(running=running)
        state = None
        if registration_state:
            state = lambda: sorted(  # noqa: E731
                SessionRegistration.objects.filter(session=session).values_list(
                    "user_id", "attended_at"
                )
            )
        return Target(
            f"/sessions/{session.pk}/{path}",
            shows={"present/code/": '"code"', "roster/": ""}.get(
                path, "西山街道调解实务培训"
            ),
            state=state,
            data=data(w) if callable(data) else data,
        )

    return build


def _session_register(w):
    session = OfflineSessionFactory(
        title="西山街道调解实务培训", course=w.xishan_course, organiser=w.organiser
    )
    return Target(
        f"/sessions/{session.pk}/register/",
        state=lambda: sorted(session.registrations.values_list("user_id", flat=True)),
    )


def _proof(w):
    claim = w.claim()
    return Target(f"/learning/claims/{claim.pk}/proof/", shows=b"\x89PNG")


def _bank_question(w):
    return QuestionFactory(name="网格员职责辨析", stem="<p>网格员职责辨析题干</p>")


def _bank(path: str, shows_bank=True):
    def build(w):
        question = _bank_question(w)
        return Target(
            f"/assessments/banks/{question.bank.pk}/{path}",
            shows=question.bank.name if shows_bank else "网格员职责辨析",
        )

    return build


def _question_edit(w):
    question = _bank_question(w)
    return Target(
        f"/assessments/questions/{question.pk}/edit/",
        shows="网格员职责辨析题干",
        state=lambda: Question.objects.get(pk=question.pk).current_version_id,
        data={"stem": "<p>被改掉的题干</p>"},
    )


def _quiz(path: str):
    def build(w):
        quiz = w.essay_quiz
        return Target(
            f"/quiz/{quiz.pk}/{path}",
            shows="" if path else "西山网格随堂测验",
            state=lambda: sorted(
                Attempt.objects.filter(quiz=quiz).values_list("user_id", flat=True)
            ),
        )

    return build


def _attempt_state(attempt):
    return lambda: (
        Attempt.objects.filter(pk=attempt.pk).values_list("status", "seq").get(),
        sorted(AttemptItem.objects.filter(attempt=attempt).values_list("answer")),
    )


def _attempt_page(w):
    attempt = w.open_attempt()
    return Target(f"/quiz/attempt/{attempt.pk}/", shows="网格走访频次")


def _attempt_answer(w):
    attempt = w.open_attempt()
    return Target(
        f"/quiz/attempt/{attempt.pk}/answer/",
        shows='"seq"',
        state=_attempt_state(attempt),
        data={"position": 1, "answer": ["B"], "seq": attempt.seq},
        content_type="application/json",
    )


def _attempt_submit(w):
    attempt = w.open_attempt()
    return Target(
        f"/quiz/attempt/{attempt.pk}/submit/",
        state=_attempt_state(attempt),
        data={"seq": attempt.seq},
    )


def _attempt_review(w):
    quiz = QuizFactory(
        title="西山网格结业测验",
        questions=[QuestionFactory(name="网格走访频次")],
        course=w.xishan_course,
    )
    attempt = attempt_finished(quiz=quiz, user=w.user("other_worker"), scores={})
    return Target(f"/quiz/attempt/{attempt.pk}/review/", shows="西山网格结业测验")


def _marking(w):
    item = w.essay_item()
    return Target(
        f"/assessments/marking/items/{item.pk}/",
        shows="先倾听双方诉求再调解",
        state=lambda: (
            AttemptItem.objects.filter(pk=item.pk)
            .values_list("score", "needs_marking")
            .get()
        ),
        data={"score": "1", "feedback": "好"},
    )


def _key(w):
    question = _bank_question(w)
    return Target(
        f"/assessments/questions/{question.pk}/correct-key/",
        shows="网格员职责辨析",
        state=lambda: Question.objects.get(pk=question.pk).current_version_id,
        data={"answer": ["B"], "confirm": "1"},
    )


def _statistics(w):
    quiz = w.essay_quiz
    return Target(f"/assessments/quizzes/{quiz.pk}/statistics/", shows=quiz.title)


def _competency(path: str):
    def build(w):
        worker = w.user("other_worker")
        return Target(
            f"/assessments/competencies/workers/{worker.pk}/{path}",
            shows="李青",
            state=lambda: CompetencyEvidence.objects.filter(user=worker).count(),
            data={"competency": "1", "level": "3", "note": "表现好"},
        )

    return build


def _cert_download(w):
    certificate = w.certificate()
    return Target(f"/certificates/{certificate.pk}/download/", shows=b"%PDF")


def _cert_renew(w):
    w.completion  # noqa: B018 - the course the renewal leads back to
    certificate = w.certificate(expires_on=timezone.localdate() + timedelta(days=20))
    return Target(
        f"/certificates/{certificate.pk}/renew/",
        state=lambda: sorted(
            Enrolment.objects.filter(course=w.xishan_course).values_list(
                "user_id", "status", "completed_at"
            )
        ),
    )


def _cert_revoke(w):
    certificate = w.certificate()
    return Target(
        f"/certificates/{certificate.pk}/revoke/",
        shows=certificate.serial,
        state=lambda: Certificate.objects.get(pk=certificate.pk).revoked_at,
        data={"reason": "冒名顶替", "confirm": "1"},
    )


def _zip_status(w):
    archive = w.archive(total=3)
    return Target(f"/certificates/hr/zip/{archive.pk}/", shows="西山街道网格治理专题")


def _zip_download(w):
    archive = w.archive(total=1, done=1, status=CertificateArchive.Status.DONE)
    archive.file.save("x.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18))
    return Target(f"/certificates/hr/zip/{archive.pk}/download/", shows=b"PK\x05\x06")


def _wellbeing_withdraw(w):
    instrument = Instrument.objects.get(slug="pss10")
    owner = w.user("other_worker")
    consent_give(
        user=owner, instrument=instrument, text_version=instrument.consent_version
    )
    result_create(user=owner, instrument=instrument, answers=[2] * 10)
    return Target(
        "/wellbeing/pss10/withdraw/",
        state=lambda: owner.wellbeing_results.count(),
    )


def _record(path: str, shows="李青"):
    def build(w):
        w.training_record  # noqa: B018 - something to show
        return Target(
            f"/records/workers/{w.user('other_worker').pk}/{path}", shows=shows
        )

    return build


def _export(path: str, shows):
    def build(w):
        name = f"exports/{secrets.token_hex(8)}.csv"
        default_storage.save(name, ContentFile("工号,姓名\nW20001,李青\n".encode()))
        job = w.export_job(
            status=ExportJob.Status.DONE,
            total_rows=1,
            rows_done=1,
            file_name=name,
            finished_at=timezone.now(),
            expires_at=timezone.now() + timedelta(hours=24),
        )
        return Target(f"/records/exports/{job.pk}/{path}", shows=shows)

    return build


def _claim_detail(w):
    claim = w.claim()
    return Target(
        f"/records/claims/{claim.pk}/",
        shows="市民政局网格培训班",
        state=lambda: ExternalHoursClaim.objects.get(pk=claim.pk).status,
        data={"reason": "材料不全"},
    )


def _claim_approve(w):
    claim = w.claim()
    return Target(
        f"/records/claims/{claim.pk}/approve/",
        state=lambda: ExternalHoursClaim.objects.get(pk=claim.pk).status,
    )


def _assignment(path: str):
    def build(w):
        assignment = w.assignment()
        return Target(
            f"/records/assignments/{assignment.pk}/{path}",
            shows="" if path else "西山街道网格治理专题",
            state=lambda: Assignment.objects.get(pk=assignment.pk).cancelled_at,
        )

    return build


def _plan(w):
    plan = LearningPlanFactory(
        name="西山街道网格员岗前培训", created_by=w.user("hr_district")
    )
    return Target(
        f"/records/plans/{plan.pk}/edit/",
        shows="西山街道网格员岗前培训",
        state=lambda: LearningPlan.objects.get(pk=plan.pk).name,
        data={"name": "被改掉的计划", "description": "x"},
    )


def _roster(w):
    job = roster_import_create(
        uploaded_by=w.user("admin"),
        filename="西山花名册.xlsx",
        content=b"PK-roster",
        create_orgs=False,
    )
    return Target(f"/people/roster/{job.pk}/", shows="西山花名册.xlsx")


def _preview(w):
    return Target(f"/certificates/preview/{w.xishan_course.pk}/classic/", shows=b"%PDF")


OUTSIDE = {"worker": 404, "hr_street": 404}
WORKER_404 = {"worker": 404, "trainer": 403, "hr_district": 403}
HR_404 = {"hr_street": 404, "worker": 403, "other_worker": 403}
HIS_OWN_HR = {"hr_street": 404, "admin": 404, "worker": 403}

REGISTRY: dict[str, Probe] = {
    # --- the records API: an HR token of the other street ---------------------
    "api/v1/org-units/<int:pk>/": _api("org-units", lambda w: w.org["xishan"]),
    "api/v1/workers/<int:pk>/": _api("workers", lambda w: w.user("other_worker")),
    "api/v1/enrolments/<int:pk>/": _api("enrolments", lambda w: w.enrolled()),
    "api/v1/completions/<int:pk>/": _api("completions", lambda w: w.completion),
    "api/v1/hours/<int:pk>/": _api("hours", lambda w: w.training_record),
    "api/v1/certificates/<int:pk>/": _api("certificates", lambda w: w.certificate()),
    # --- people ------------------------------------------------------------------
    "people/roster/<int:pk>/": Probe(
        _roster, {"hr_district": 403, "trainer": 403, "worker": 403}, "admin"
    ),
    # Nobody but its addressee, not even an admin.
    "notifications/<int:pk>/": Probe(
        _note_open,
        {"worker": 404, "hr_district": 404, "admin": 404},
        "other_worker",
        owner_status=302,
        owner_changes=True,
    ),
    "notifications/<int:pk>/clear/": Probe(
        _note_clear,
        {"worker": 404, "admin": 404},
        "other_worker",
        method="post",
        owner_status=302,
        owner_changes=True,
    ),
    # --- learning: a course for 西山街道 only ----------------------------------
    "learn/courses/<int:course_id>/enrol/": Probe(
        _enrol, {"worker": 404}, "other_worker", "post", 302, owner_changes=True
    ),
    "learn/lessons/<int:lesson_id>/complete/": Probe(
        _complete, {"worker": 404}, "other_worker", "post", 302, owner_changes=True
    ),
    "learn/lessons/<int:lesson_id>/video-progress/": Probe(
        _video, {"worker": 404}, "other_worker", "post", 200, owner_changes=True
    ),
    "learn/lessons/<int:lesson_id>/reflections/<str:block_id>/": Probe(
        _reflection, {"worker": 404}, "other_worker", "post", 302, owner_changes=True
    ),
    # A document of a collection closed to all but trainers.
    "media/<int:document_id>/stream/": Probe(
        _media, {"worker": 403, "hr_district": 403}, "trainer"
    ),
    "hours/<int:pk>/correct/": Probe(_hours, HR_404, "hr_district", form=True),
    # --- offline sessions: of the 西山 course, run by another trainer -----------
    "sessions/<int:pk>/": Probe(_session(""), {"worker": 404}, "other_worker"),
    "sessions/<int:pk>/register/": Probe(
        _session_register, {"worker": 404}, "other_worker", "post", 302, True
    ),
    "sessions/<int:pk>/cancel/": Probe(
        _session("cancel/", registration_state=True),
        {"worker": 404},
        "other_worker",
        form=True,
    ),
    "sessions/<int:pk>/checkin/": Probe(
        _session("checkin/", running=True, registration_state=True),
        {"worker": 404},
        "other_worker",
        form=True,
    ),
    "sessions/<int:pk>/present/": Probe(
        _session("present/"),
        {"trainer": 403, "worker": 403, "hr_district": 403},
        "organiser",
    ),
    "sessions/<int:pk>/present/code/": Probe(
        _session("present/code/"), {"trainer": 403, "other_worker": 403}, "organiser"
    ),
    "sessions/<int:pk>/roster/": Probe(
        _session(
            "roster/",
            running=True,
            registration_state=True,
            data=lambda w: {"attended": [str(w.user("other_worker").pk)]},
        ),
        {"trainer": 403, "other_worker": 403, "hr_district": 403},
        "organiser",
        "post",
        302,
        owner_changes=True,
    ),
    "learning/claims/<int:pk>/proof/": Probe(_proof, OUTSIDE, "other_worker"),
    # --- question banks: shared by every trainer; other roles are refused ------
    "assessments/banks/<int:pk>/": Probe(_bank(""), TRAINER_ONLY, "trainer"),
    "assessments/banks/<int:pk>/questions/new/": Probe(
        _bank("questions/new/"), {**TRAINER_ONLY, "reviewer": 403}, "trainer"
    ),
    "assessments/banks/<int:pk>/export/<str:format>/": Probe(
        _bank("export/gift/", shows_bank=False), TRAINER_ONLY, "trainer"
    ),
    "assessments/questions/<int:pk>/edit/": Probe(
        _question_edit, {**TRAINER_ONLY, "reviewer": 403}, "trainer", form=True
    ),
    # --- quizzes and attempts of the 西山 course ---------------------------------
    "quiz/<int:quiz_id>/": Probe(_quiz(""), WORKER_404, "other_worker"),
    "quiz/<int:quiz_id>/start/": Probe(
        _quiz("start/"), WORKER_404, "other_worker", "post", 302, owner_changes=True
    ),
    "quiz/attempt/<int:attempt_id>/": Probe(_attempt_page, WORKER_404, "other_worker"),
    "quiz/attempt/<int:attempt_id>/answer/": Probe(
        _attempt_answer, WORKER_404, "other_worker", "post", 200, owner_changes=True
    ),
    "quiz/attempt/<int:attempt_id>/submit/": Probe(
        _attempt_submit, WORKER_404, "other_worker", "post", 302, owner_changes=True
    ),
    "quiz/attempt/<int:attempt_id>/review/": Probe(
        _attempt_review, WORKER_404, "other_worker"
    ),
    # --- marking: trainers mark every essay; nobody else gets in -----------------
    "assessments/marking/items/<int:item_id>/": Probe(
        _marking,
        {"reviewer": 403, "hr_district": 403, "other_worker": 403},
        "trainer",
        form=True,
    ),
    "assessments/questions/<int:question_id>/correct-key/": Probe(
        _key, {"reviewer": 403, "hr_district": 403}, "trainer", form=True
    ),
    "assessments/quizzes/<int:quiz_id>/statistics/": Probe(
        _statistics, TRAINER_ONLY, "reviewer"
    ),
    # --- competencies of a worker out of hr_street's scope -----------------------
    "assessments/competencies/workers/<int:user_id>/": Probe(
        _competency(""), HR_404, "hr_district"
    ),
    "assessments/competencies/workers/<int:user_id>/rate/": Probe(
        _competency("rate/"), HR_404, "hr_district", form=True
    ),
    # --- certificates ----------------------------------------------------------------
    "certificates/<int:pk>/download/": Probe(_cert_download, OUTSIDE, "other_worker"),
    "certificates/<int:pk>/renew/": Probe(
        _cert_renew, {"worker": 404}, "other_worker", "post", 302, owner_changes=True
    ),
    "certificates/<int:pk>/revoke/": Probe(
        _cert_revoke, HR_404, "hr_district", form=True
    ),
    "certificates/hr/zip/<int:pk>/": Probe(_zip_status, HIS_OWN_HR, "hr_district"),
    "certificates/hr/zip/<int:pk>/download/": Probe(
        _zip_download, HIS_OWN_HR, "hr_district"
    ),
    "certificates/preview/<int:course_id>/<str:design>/": Probe(
        _preview, {"worker": 403, "hr_district": 403, "reviewer": 403}, "trainer"
    ),
    # --- wellbeing: the slug names the questionnaire; a worker's withdrawal
    # deletes their own answers only, and nobody else gets in.
    "wellbeing/<slug:slug>/withdraw/": Probe(
        _wellbeing_withdraw,
        {"hr_district": 403, "admin": 403},
        "other_worker",
        form=True,
    ),
    # --- HR records of a worker out of hr_street's scope -------------------------
    "records/workers/<int:user_id>/": Probe(_record(""), HR_404, "hr_district"),
    "records/workers/<int:user_id>/transcript.pdf": Probe(
        _record("transcript.pdf", shows=b"%PDF"), HR_404, "hr_district"
    ),
    # An export job is its requester's alone, whatever the requester's scope.
    "records/exports/<int:pk>/": Probe(_export("", "CSV"), HIS_OWN_HR, "hr_district"),
    "records/exports/<int:pk>/status/": Probe(
        _export("status/", '"done"'), HIS_OWN_HR, "hr_district"
    ),
    "records/exports/<int:pk>/download/": Probe(
        _export("download/", "W20001,李青".encode()), HIS_OWN_HR, "hr_district"
    ),
    "records/claims/<int:pk>/": Probe(_claim_detail, HR_404, "hr_district", form=True),
    "records/claims/<int:pk>/approve/": Probe(
        _claim_approve, HR_404, "hr_district", "post", 302, owner_changes=True
    ),
    "records/assignments/<int:pk>/": Probe(_assignment(""), HR_404, "hr_district"),
    "records/assignments/<int:pk>/cancel/": Probe(
        _assignment("cancel/"), HR_404, "hr_district", "post", 302, owner_changes=True
    ),
    # A plan is its author's (and the admins') to change; the plans are not
    # scoped, so another HR is refused (403) rather than told nothing (404).
    "records/plans/<int:pk>/edit/": Probe(
        _plan, {"hr_street": 403, "worker": 403}, "hr_district", form=True
    ),
}

# Routes with a parameter that names nobody's object, each with the reason.
EXEMPT: dict[str, str] = {
    # Public by design: anyone holding a certificate's QR code may verify it.
    "certificates/verify/<str:code>/": "public verification by code",
    "certificates/badges/<str:code>/assertion.json": "public Open Badges assertion",
    "certificates/badges/class/<int:course_id>.json": "a course's public badge class",
    # The slug names the questionnaire; both pages read request.user's own
    # consent and answers only (the withdraw route is probed above).
    "wellbeing/<slug:slug>/consent/": "the questionnaire, not a person",
    "wellbeing/<slug:slug>/take/": "the questionnaire, not a person",
    # The file format, not an object: the rows are always the user's scope.
    "records/export.<str:fmt>": "a file format, not an object",
}
