"""Demo content for `seed_demo`: the shipped laws, a case library and seven courses.

Everything is matched by slug under its parent (laws by title, media by title)
and updated only where it differs from the spec here, so running the seed
again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import TextIOBase

from django.db import transaction
from django.utils.translation import gettext as _

from cms.laws import decode_law, short_title_for
from cms.management.commands.import_law import shipped_law_files
from cms.models import CaseLibraryPage, CasePage, HomePage, LawArticle, LawPage
from cms.services import law_import, site_ensure
from courses.models import Category, CoursePage, LessonPage
from courses.publishing import course_section_ensure
from people.models import Position

from . import assets
from .assessments import lesson_quiz_blocks
from .blocks import with_ids
from .cases import CASES, LIBRARY_INTRO, LIBRARY_SLUG, LIBRARY_TITLE
from .courses import Refs, course_specs
from .pages import CREATED, children_order, page_ensure


@dataclass
class DemoContent:
    laws: int = 0
    cases: int = 0
    courses: int = 0
    lessons: int = 0
    created: int = 0
    updated: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def demo_content_seed(*, stdout: TextIOBase | None = None) -> DemoContent:
    """Import the shipped laws and create or update the demo cases and courses.

    Positions named as course targets come from the people seeding
    (seed_demo); any that do not exist yet are left out.
    """
    seeder = _Seeder(stdout)
    with transaction.atomic():
        home = site_ensure()
        laws = seeder.laws()
        cases = seeder.cases(home, laws)
        refs = Refs(
            laws={name: law.pk for name, law in laws.items()},
            cases={slug: page.pk for slug, page in cases.items()},
            video=seeder.document(*assets.VIDEO).pk,
            poster=seeder.image(*assets.POSTER).pk,
            templates=seeder.document(*assets.TEMPLATES).pk,
        )
        seeder.courses(refs)
    return seeder.summary


class _Seeder:
    def __init__(self, stdout: TextIOBase | None):
        self.stdout = stdout
        self.summary = DemoContent()

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)

    def ensure(self, **kwargs):
        page, change = page_ensure(**kwargs)
        if change:
            if change == CREATED:
                self.summary.created += 1
                self.say(_("Created %(title)s") % {"title": page.title})
            else:
                self.summary.updated += 1
                self.say(_("Updated %(title)s") % {"title": page.title})
        return page

    def laws(self) -> dict[str, LawPage]:
        """The shipped laws by short title (人民调解法 …), imported or updated."""
        laws = {}
        known = set(LawPage.objects.values_list("pk", flat=True))
        for path in shipped_law_files():
            law = law_import(text=decode_law(path.read_bytes()))
            if law.pk not in known:
                self.summary.created += 1
                self.say(_("Created %(title)s") % {"title": law.title})
            laws[law.short_title or short_title_for(law.title)] = law
        self.summary.laws = len(laws)
        return laws

    def cases(self, home: HomePage, laws: dict[str, LawPage]) -> dict[str, CasePage]:
        library = self.ensure(
            parent=home,
            model=CaseLibraryPage,
            slug=LIBRARY_SLUG,
            fields={"title": LIBRARY_TITLE, "intro": LIBRARY_INTRO},
        )
        pages = {}
        for spec in CASES:
            articles = [
                LawArticle.objects.get(law=laws[law], number=number)
                for law, number in spec.related
            ]
            pages[spec.slug] = self.ensure(
                parent=library,
                model=CasePage,
                slug=spec.slug,
                fields={
                    "title": spec.title,
                    "kind": spec.kind,
                    "summary": spec.summary,
                    "background": spec.background,
                    "process": spec.process,
                    "outcome": spec.outcome,
                    "commentary": spec.commentary,
                },
                m2m={"related_articles": articles},
            )
        self.summary.cases = len(pages)
        return pages

    def document(self, title: str, filename: str):
        document, changed = assets.document_ensure(title=title, filename=filename)
        if changed:
            self.say(_("Stored %(file)s") % {"file": filename})
        return document

    def image(self, title: str, filename: str):
        image, changed = assets.image_ensure(title=title, filename=filename)
        if changed:
            self.say(_("Stored %(file)s") % {"file": filename})
        return image

    def courses(self, refs: Refs) -> None:
        # The catalog with its permissions, workflow and the seven categories.
        index = course_section_ensure()
        categories = {c.name: c for c in Category.objects.all()}
        positions = {p.name: p for p in Position.objects.all()}
        made: dict[str, CoursePage] = {}
        quizzes = lesson_quiz_blocks()  # placed by demo_assessments_seed
        for spec in course_specs(refs):
            course = self.ensure(
                parent=index,
                model=CoursePage,
                slug=spec.slug,
                fields={
                    "title": spec.title,
                    "summary": spec.summary,
                    "category_id": categories[spec.category].pk,
                    "kind": spec.kind,
                    "credit_hours": spec.credit_hours,
                    "estimated_minutes": spec.minutes,
                    "cover_image_id": refs.poster if spec.cover_poster else None,
                },
                m2m={
                    "target_positions": [
                        positions[name] for name in spec.positions if name in positions
                    ],
                    "prerequisites": [made[slug] for slug in spec.prerequisites],
                },
            )
            made[spec.slug] = course
            lessons = [
                self.ensure(
                    parent=course,
                    model=LessonPage,
                    slug=lesson.slug,
                    fields={
                        "title": lesson.title,
                        "body": with_ids(
                            lesson.body + quizzes.get((spec.slug, lesson.slug), []),
                            key=f"{spec.slug}/{lesson.slug}",
                        ),
                        "estimated_minutes": lesson.minutes,
                        "required": True,
                    },
                )
                for lesson in spec.lessons
            ]
            if children_order(parent=course, pages=lessons):
                self.summary.updated += 1
            self.summary.lessons += len(lessons)
        self.summary.courses = len(made)
