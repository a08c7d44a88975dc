"""Writes for the site shell: the home page and site, the law library."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from .laws import ParsedLaw, parse_law
from .models import HomePage, LawArticle, LawLibraryPage, LawPage

SITE_NAME = "连心学堂"
LIBRARY_TITLE = "法律法规库"
LIBRARY_SLUG = "laws"


def site_ensure() -> HomePage:
    """The home page and the default site pointing at it, created if missing.

    Migration cms.0002 makes them on a fresh database; this restores them
    where a test flush or an admin removed them.
    """
    with transaction.atomic():
        if Collection.get_first_root_node() is None:
            Collection.add_root(name="Root")
        home = HomePage.objects.order_by("path").first()
        if home is None:
            Locale.objects.get_or_create(
                language_code=get_supported_content_language_variant(
                    settings.LANGUAGE_CODE
                )
            )
            root = Page.get_first_root_node() or Page.add_root(
                instance=Page(title="Root", slug="root")
            )
            home = HomePage(title=SITE_NAME, slug="home")
            root.add_child(instance=home)
            home.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost",
                port=80,
                root_page=home,
                is_default_site=True,
                site_name=SITE_NAME,
            )
        return home


def law_library_get_or_create() -> LawLibraryPage:
    """The first law library in the tree, made under the home page if there is none."""
    with transaction.atomic():
        library = LawLibraryPage.objects.order_by("path").first()
        if library is not None:
            return library
        # Two imports at once must not both make a library: lock the home page
        # and look again (PostgreSQL; SQLite serialises writers anyway).
        home = HomePage.objects.select_for_update().order_by("path").first()
        if home is None:
            raise HomePage.DoesNotExist("There is no home page to hold the library.")
        library = LawLibraryPage.objects.child_of(home).order_by("path").first()
        if library is not None:
            return library
        library = LawLibraryPage(title=LIBRARY_TITLE, slug=LIBRARY_SLUG)
        home.add_child(instance=library)
        library.save_revision().publish()
        return library


def law_import(*, text: str, library: LawLibraryPage | None = None) -> LawPage:
    """Create or update the law in `text` under the library and publish it.

    The law is matched by its full title among the library's children. Its
    articles are replaced as a whole in the same transaction as the page, so a
    reader never sees half a law. The text is parsed before anything is written:
    a malformed file raises LawFormatError and changes nothing. Importing the
    text a law already has is a no-op (no new revision), so seeding can be
    repeated; a changed text is published at once, as the official text is.
    """
    parsed = parse_law(text)
    with transaction.atomic():
        if library is None:
            library = law_library_get_or_create()
        # Serialise imports into one library: two at once must not both create
        # the same law or interleave their article replacements. Reading the
        # library again also gives treebeard its current child count.
        library = LawLibraryPage.objects.select_for_update().get(pk=library.pk)
        law = LawPage.objects.child_of(library).filter(title=parsed.title).first()
        if law is None:
            law = LawPage(
                title=parsed.title,
                slug=_free_slug(library, parsed.short_title),
                live=False,
            )
            _copy_fields(law, parsed)
            library.add_child(instance=law)
        elif _is_unchanged(law, parsed):
            return law
        else:
            _copy_fields(law, parsed)
        LawArticle.objects.filter(law=law).delete()
        LawArticle.objects.bulk_create(
            LawArticle(
                law=law,
                number=article.number,
                label=article.label,
                chapter=article.chapter,
                text=article.text,
                sort_order=position,
            )
            for position, article in enumerate(parsed.articles)
        )
        # The revision is made from the live page plus the imported fields. An
        # editor's unpublished draft (only the short title is editable) stays in
        # the revision history but is no longer the latest.
        law.save_revision(log_action=True).publish()
    # publish() saved a copy made from the revision; give the caller the live row.
    law.refresh_from_db()
    return law


def _copy_fields(law: LawPage, parsed: ParsedLaw) -> None:
    law.history = parsed.history
    law.adopted_on = parsed.adopted_on
    law.effective_on = parsed.effective_on


def _is_unchanged(law: LawPage, parsed: ParsedLaw) -> bool:
    if (law.history, law.adopted_on, law.effective_on) != (
        parsed.history,
        parsed.adopted_on,
        parsed.effective_on,
    ):
        return False
    stored = list(
        law.articles.order_by("sort_order").values_list(
            "number", "label", "chapter", "text"
        )
    )
    wanted = [(a.number, a.label, a.chapter, a.text) for a in parsed.articles]
    return stored == wanted


def _free_slug(library: LawLibraryPage, short_title: str) -> str:
    """人民调解法, or 人民调解法-2 when a sibling already has that slug."""
    base = slugify(short_title, allow_unicode=True)[:200] or "law"
    taken = set(
        Page.objects.child_of(library)
        .filter(slug__startswith=base)
        .values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug
