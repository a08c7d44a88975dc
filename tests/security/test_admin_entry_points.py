"""The admins' entry points, for every persona.

The permission matrix has one row for each admin ("admin/*", "django-admin/*").
Here every entry point that matters is tried by every persona: the Wagtail
admin's sections, every registered snippet's list, the Django admin's index and
every registered ModelAdmin's changelist. Anonymous and the roles without
admin access (workers, HR) are sent to sign in; trainers and reviewers get
what people/roles.py grants them and are turned back to the dashboard
elsewhere; the admin gets every page. No wellbeing model is in either admin.
"""

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.messages import get_messages
from django.urls import URLResolver, get_resolver, reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.text import capfirst
from wagtail.models import Page
from wagtail.snippets.models import get_snippet_models

from tests.conftest import PERSONAS

OK = 200
SIGN_IN = "sign-in"  # 302 to /accounts/login/?next=<path>
DJANGO_SIGN_IN = "django-sign-in"  # 302 to the Django admin's login (leads to ours)
TURNED_BACK = "turned-back"  # Wagtail's refusal: 302 to /admin/ with a message
EXPLORER = "explorer"  # 302 to the page explorer of the user's own section
DENIED_MESSAGE = "Sorry, you do not have permission to access this area."


def wagtail_row(trainer, reviewer) -> dict:
    """anonymous, workers and HR sign in; the admin sees the page."""
    return {
        "anonymous": SIGN_IN,
        "worker": SIGN_IN,
        "other_worker": SIGN_IN,
        "trainer": trainer,
        "reviewer": reviewer,
        "hr_street": SIGN_IN,
        "hr_district": SIGN_IN,
        "admin": OK,
    }


# Wagtail's sections: the URL -> (what the admin's page says, trainer, reviewer).
# The root page id is filled in when the test runs.
WAGTAIL = {
    "/admin/": ("Dashboard", OK, OK),
    "/admin/pages/": ("Root", EXPLORER, EXPLORER),
    "/admin/pages/{root}/": ("Root", EXPLORER, EXPLORER),
    "/admin/snippets/": ("Snippets", OK, OK),
    "/admin/images/": ("Images", OK, TURNED_BACK),
    "/admin/documents/": ("Documents", OK, TURNED_BACK),
    "/admin/users/": ("Users", TURNED_BACK, TURNED_BACK),
    "/admin/groups/": ("Groups", TURNED_BACK, TURNED_BACK),
    "/admin/sites/": ("Sites", TURNED_BACK, TURNED_BACK),
    "/admin/collections/": ("Collections", TURNED_BACK, TURNED_BACK),
    "/admin/workflows/list/": ("Workflows", TURNED_BACK, TURNED_BACK),
    "/admin/workflows/tasks/index/": ("Workflow tasks", TURNED_BACK, TURNED_BACK),
    "/admin/redirects/": ("Redirects", TURNED_BACK, TURNED_BACK),
    "/admin/reports/locked/": ("Locked pages", TURNED_BACK, TURNED_BACK),
    "/admin/reports/site-history/": ("Site history", OK, OK),
    "/admin/reports/aging-pages/": ("Aging pages", OK, OK),
    "/admin/reports/page-types-usage/": ("Page types usage", OK, OK),
}

# Every registered snippet (model label) -> (trainer, reviewer). Trainers
# edit quizzes, banks and the competency links; reviewers read; the issuer
# (certificate seal) and the course categories are the admin's.
SNIPPETS = {
    "assessments.issuersettings": (TURNED_BACK, TURNED_BACK),
    "assessments.quiz": (OK, OK),
    "assessments.questionbank": (OK, OK),
    "assessments.question": (OK, OK),
    "assessments.competencyframework": (OK, OK),
    "assessments.competency": (OK, OK),
    "assessments.coursecompetency": (OK, TURNED_BACK),
    "assessments.questioncompetency": (OK, TURNED_BACK),
    "courses.category": (TURNED_BACK, TURNED_BACK),
}

# The Django admin is for the superuser only: nobody else is staff.
DJANGO_ROW = dict.fromkeys(PERSONAS, DJANGO_SIGN_IN) | {"admin": OK}


def snippet_url(model) -> str:
    return reverse(model.snippet_viewset.get_url_name("list"))


def in_site_language(text) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


@pytest.fixture
def english(settings):
    """Wagtail's section titles are read in English (its msgids)."""
    settings.LANGUAGE_CODE = "en"


def check(client, url: str, expected, text: str | None = None):
    response = client.get(url)
    where = response.get("Location", "")
    if expected == OK:
        assert response.status_code == 200, (url, response.status_code, where)
        page = response.content.decode()
        assert text in page or escape(text) in page, f"{url} does not show {text!r}"
    elif expected == SIGN_IN:
        assert response.status_code == 302, (url, response.status_code)
        assert where == f"/accounts/login/?next={url}", where
    elif expected == DJANGO_SIGN_IN:
        assert response.status_code == 302, (url, response.status_code)
        assert where == f"/django-admin/login/?next={url}", where
    elif expected == TURNED_BACK:
        assert response.status_code == 302, (url, response.status_code)
        assert where == "/admin/", where
        said = [str(m).strip() for m in get_messages(response.wsgi_request)]
        assert DENIED_MESSAGE in said, said
    elif expected == EXPLORER:
        # Their own section (the course catalog), never the whole tree.
        assert response.status_code == 302, (url, response.status_code)
        assert where.startswith("/admin/pages/"), where
        assert where != url
    else:  # pragma: no cover - a typo in the tables
        raise AssertionError(expected)


def django_admin_entry_points() -> dict[str, str]:
    """The index and every registered ModelAdmin's changelist -> its title."""
    points = {"/django-admin/": admin.site.site_header}
    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        points[url] = in_site_language(capfirst(opts.verbose_name_plural))
    return points


def entry_points() -> list[tuple[str, dict, str]]:
    """(url, what each persona gets, what the page shows) for both admins."""
    root = Page.get_first_root_node().pk
    points = [
        (url.format(root=root), wagtail_row(trainer, reviewer), text)
        for url, (text, trainer, reviewer) in WAGTAIL.items()
    ]
    for model in get_snippet_models():
        trainer, reviewer = SNIPPETS[model._meta.label_lower]
        text = capfirst(str(model._meta.verbose_name_plural))
        points.append((snippet_url(model), wagtail_row(trainer, reviewer), text))
    points += [
        (url, DJANGO_ROW, text) for url, text in django_admin_entry_points().items()
    ]
    return points


def test_every_registered_snippet_has_a_row():
    registered = {model._meta.label_lower for model in get_snippet_models()}

    assert registered == set(SNIPPETS)


def test_the_entry_points_cover_every_modeladmin_and_snippet(db):
    urls = [url for url, _row, _text in entry_points()]

    assert len(urls) == len(set(urls))
    assert len(urls) == len(WAGTAIL) + len(SNIPPETS) + 1 + len(admin.site._registry)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_admin_entry_point_gives_the_persona_what_the_role_allows(
    client_for, english, persona
):
    client = client_for(persona)
    wrong = []

    for url, row, text in entry_points():
        try:
            check(client, url, row[persona], text)
        except AssertionError as error:
            wrong.append(f"{url}: {error}")

    assert not wrong, "\n".join(wrong)


def admin_routes(prefixes=("admin/", "django-admin/")) -> list[str]:
    """Every route under the two admins."""

    def walk(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, route)
            else:
                yield route

    return [r for r in walk(get_resolver()) if r.startswith(prefixes)]


def test_no_wellbeing_model_is_in_either_admin():
    in_django_admin = [
        m for m in admin.site._registry if m._meta.app_label == "wellbeing"
    ]
    snippets = [m for m in get_snippet_models() if m._meta.app_label == "wellbeing"]
    routes = [r for r in admin_routes() if "wellbeing" in r]

    assert not in_django_admin
    assert not snippets
    assert not routes
    # The walk did see the admins (a wrong prefix would find nothing anywhere).
    assert any(r.startswith("django-admin/people/") for r in admin_routes())


def test_a_trainer_reaches_neither_users_nor_groups_nor_settings(client_for):
    trainer = client_for("trainer")
    refused = [
        "/admin/users/",
        "/admin/groups/",
        "/admin/sites/",
        "/admin/collections/",
        snippet_url(
            next(m for m in get_snippet_models() if m.__name__ == "IssuerSettings")
        ),
        "/django-admin/people/user/",
        "/django-admin/auth/group/",
        "/django-admin/people/hrscope/",
    ]

    for url in refused:
        response = trainer.get(url, follow=True)
        landed = response.redirect_chain[-1][0] if response.redirect_chain else url
        assert landed != url, f"the trainer stayed on {url}"
        assert not landed.startswith(url), landed


def test_ids_inside_the_admins_are_refused_to_those_without_the_right(
    client_for, english, worker, admin
):
    """Pages, users and the issuer by id: outside a trainer's section, nothing."""
    from assessments.models import IssuerSettings

    home = Page.objects.get(depth=2)
    issuer = IssuerSettings.objects.create(name="连心区社区工作者培训中心")
    issuer_model = type(issuer)
    issuer_edit = reverse(
        issuer_model.snippet_viewset.get_url_name("edit"), args=[issuer.pk]
    )
    cases = [
        # The site's home page is outside the course section trainers edit.
        (f"/admin/pages/{home.pk}/edit/", "trainer", TURNED_BACK),
        (f"/admin/pages/{home.pk}/edit/", "reviewer", TURNED_BACK),
        (f"/admin/pages/{home.pk}/edit/", "hr_district", SIGN_IN),
        (reverse("wagtailusers_users:edit", args=[admin.pk]), "trainer", TURNED_BACK),
        (reverse("wagtailusers_users:edit", args=[worker.pk]), "reviewer", TURNED_BACK),
        (issuer_edit, "trainer", TURNED_BACK),
        (f"/django-admin/people/user/{worker.pk}/change/", "trainer", DJANGO_SIGN_IN),
        (
            f"/django-admin/people/user/{worker.pk}/change/",
            "hr_district",
            DJANGO_SIGN_IN,
        ),
        (f"/admin/pages/{home.pk}/edit/", "admin", OK),
        (reverse("wagtailusers_users:edit", args=[worker.pk]), "admin", OK),
        (issuer_edit, "admin", OK),
        (f"/django-admin/people/user/{worker.pk}/change/", "admin", OK),
    ]
    shows = {  # what the admin's page shows: the object behind the id
        f"/admin/pages/{home.pk}/edit/": home.title,
        issuer_edit: issuer.name,
    }

    for url, persona, expected in cases:
        check(client_for(persona), url, expected, shows.get(url, "张晓明"))
