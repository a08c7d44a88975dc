"""Chinese search over courses, lessons, law articles and cases (/search/).

Wagtail's database search backend splits text into words at spaces, and
Chinese has none: 调解 would never be found inside 调解民间纠纷的群众性组织.
So search matches substrings instead, in one table of plain text:

- SearchEntry holds one row per live course, lesson and case and per article
  of a live law: a title and the plain text (a lesson's StreamField walked
  block by block and stripped of tags, so JSON keys and HTML never match).
  Rows follow the database row of their page: a save of the live version
  writes them, unpublishing or a save as not live removes them, deleting a
  page or an article cascades. The law importer replaces articles in bulk
  and then publishes the law, which rewrites that law's rows.
  `manage.py rebuild_search_index` rebuilds everything.
- A query is cut to 50 characters and split at spaces (full-width too); every
  word must occur in the title or the text (`icontains`: LIKE with % and _
  escaped). On PostgreSQL, GIN trigram indexes (cms migration 0005) serve
  words of 3 or more characters; shorter ones scan the table, which for the
  five shipped laws and a few hundred lessons takes a few milliseconds.
- Visibility is decided at query time, never stored: courses and lessons
  through courses.selectors.catalog, articles and cases when their page is
  live and public. A stale row can therefore never leak a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

from django.db import transaction
from django.db.models import Case, Q, QuerySet, Value, When
from django.db.models.signals import post_save
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from wagtail import blocks
from wagtail.models import Page

from courses.models import CoursePage, LessonPage
from courses.selectors.catalog import courses_visible_to, lessons_visible_to

from .laws import short_title_for
from .models import CasePage, LawArticle, LawPage, SearchEntry

Kind = SearchEntry.Kind

MAX_QUERY_LENGTH = 50
SNIPPET_LENGTH = 80
# How far before the first match a snippet starts, so the match has context.
SNIPPET_LEAD = 20
PER_PAGE = 20

# --- Plain text ------------------------------------------------------------

# Tags that end a line of text, so that words on either side stay apart.
_BREAKING_TAGS = {
    "p", "br", "div", "li", "ul", "ol", "blockquote", "tr", "td", "th",
    "h1", "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip


class _TextOnly(HTMLParser):
    """Collects the text of an HTML fragment, entities decoded, tags dropped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BREAKING_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _BREAKING_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def tidy(text: str) -> str:
    """One line per paragraph, runs of spaces (full-width too) as one space."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def html_to_text(html: str) -> str:
    """The text of rich text HTML, one paragraph per line."""
    parser = _TextOnly()
    parser.feed(html or "")
    parser.close()
    return tidy("".join(parser.parts))


def stream_text(stream_block: blocks.StreamBlock, raw_data: Iterable) -> str:
    """The words a reader sees in a StreamField, from its raw (JSON) data.

    Walking the raw data with the block definitions reads no chosen page,
    image or document from the database, and leaves out what is not text
    (choice keys such as "tip", ids, URLs).
    """
    return tidy("\n".join(_block_text(stream_block, list(raw_data))))


def _block_text(block: blocks.Block, raw) -> Iterator[str]:
    if raw is None:
        return
    if isinstance(block, blocks.RichTextBlock):
        yield html_to_text(raw)
    elif isinstance(block, blocks.CharBlock | blocks.TextBlock):
        yield str(raw)
    elif isinstance(block, blocks.StructBlock):
        for name, child in block.child_blocks.items():
            yield from _block_text(child, raw.get(name))
    elif isinstance(block, blocks.ListBlock):
        for item in raw:
            # New-style list items are {"type": "item", "value": …, "id": …}.
            if isinstance(item, dict) and item.get("type") == "item":
                item = item.get("value")
            yield from _block_text(block.child_block, item)
    elif isinstance(block, blocks.StreamBlock):
        for child in raw:
            child_block = block.child_blocks.get(child.get("type"))
            if child_block is not None:
                yield from _block_text(child_block, child.get("value"))


def _page_fields(page: Page) -> tuple[int, str] | None:
    """(kind, text) for a page that search covers; None for any other page."""
    if isinstance(page, CoursePage):
        return Kind.COURSE, tidy(page.summary)
    if isinstance(page, LessonPage):
        return Kind.LESSON, stream_text(page.body.stream_block, page.body.raw_data)
    if isinstance(page, CasePage):
        parts = [page.summary]
        parts += [
            html_to_text(html)
            for html in (page.background, page.process, page.outcome, page.commentary)
        ]
        return Kind.CASE, tidy("\n".join(parts))
    return None


def _article_entry(article: LawArticle, law: LawPage) -> SearchEntry:
    short_title = law.short_title or short_title_for(law.title)
    return SearchEntry(
        kind=Kind.ARTICLE,
        page_id=law.pk,
        article=article,
        title=f"{short_title} {article.label}",
        text=tidy(article.text),
    )


# --- Keeping the index (writes) ---------------------------------------------


def search_entry_sync(*, page: Page) -> None:
    """Make the page's search row match its live version, or remove it."""
    fields = _page_fields(page)
    if fields is None:
        return
    with transaction.atomic():
        if not page.live:
            SearchEntry.objects.filter(page_id=page.pk, article=None).delete()
            return
        kind, text = fields
        SearchEntry.objects.update_or_create(
            page_id=page.pk,
            article=None,
            defaults={"kind": kind, "title": page.title, "text": text},
        )


def law_search_entries_sync(*, law: LawPage) -> None:
    """Replace the search rows of the law's articles (none when it is not live)."""
    with transaction.atomic():
        SearchEntry.objects.filter(page_id=law.pk, kind=Kind.ARTICLE).delete()
        if law.live:
            SearchEntry.objects.bulk_create(
                _article_entry(article, law) for article in law.articles.all()
            )


def search_index_rebuild() -> int:
    """Rebuild every search row from the live pages and laws; return the count."""
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        entries: list[SearchEntry] = []
        for model in (CoursePage, LessonPage, CasePage):
            for page in model.objects.live().iterator(chunk_size=200):
                kind, text = _page_fields(page)
                entries.append(
                    SearchEntry(kind=kind, page_id=page.pk, title=page.title, text=text)
                )
        for law in LawPage.objects.live().prefetch_related("articles"):
            entries += [_article_entry(article, law) for article in law.articles.all()]
        SearchEntry.objects.bulk_create(entries, batch_size=500)
        return len(entries)


def _page_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    # A save with update_fields (save_revision marking a draft) leaves the
    # live content as it was: only a full save writes the row the search
    # mirrors. Unpublishing and publishing both save the page in full.
    if raw:
        return
    if update_fields is None or ("live" in update_fields and not instance.live):
        search_entry_sync(page=instance)


def _law_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    if update_fields is None or ("live" in update_fields and not instance.live):
        law_search_entries_sync(law=instance)


def _article_saved(sender, instance, raw=False, **kwargs):
    # law_import writes articles with bulk_create (no signal) and then
    # publishes the law; this catches an article saved on its own.
    if raw:
        return
    law = instance.law
    if not law.live:
        return
    entry = _article_entry(instance, law)
    SearchEntry.objects.update_or_create(
        article=instance,
        defaults={
            "kind": entry.kind,
            "page_id": entry.page_id,
            "title": entry.title,
            "text": entry.text,
        },
    )


def connect_signals() -> None:
    """Keep SearchEntry in step with pages and articles (called by CmsConfig)."""
    for model in (CoursePage, LessonPage, CasePage):
        post_save.connect(_page_saved, sender=model, dispatch_uid=f"search-{model}")
    post_save.connect(_law_saved, sender=LawPage, dispatch_uid="search-law")
    post_save.connect(_article_saved, sender=LawArticle, dispatch_uid="search-article")


# --- Searching (reads) --------------------------------------------------------


@dataclass(frozen=True)
class SearchQuery:
    text: str  # what was searched, after cutting: shown back in the box
    words: list[str]
    shortened: bool


def search_query_parse(raw: str) -> SearchQuery:
    """Cut the query to 50 characters and split it into words at any space."""
    # NUL cannot go into a PostgreSQL string; other control characters are
    # never part of a word.
    cleaned = "".join(" " if ord(char) < 32 else char for char in raw or "")
    text = " ".join(cleaned.split())
    shortened = len(text) > MAX_QUERY_LENGTH
    text = text[:MAX_QUERY_LENGTH].strip()
    return SearchQuery(
        text=text, words=list(dict.fromkeys(text.split())), shortened=shortened
    )


def _visible_to(user) -> Q:
    courses = courses_visible_to(user=user).values("pk")
    lessons = lessons_visible_to(user=user).values("pk")
    pages = Page.objects.live().public().values("pk")
    return (
        Q(kind=Kind.COURSE, page__in=courses)
        | Q(kind=Kind.LESSON, page__in=lessons)
        | Q(kind__in=[Kind.ARTICLE, Kind.CASE], page__in=pages)
    )


def search_entries(*, user, words: list[str]) -> QuerySet[SearchEntry]:
    """The entries containing every word that the user may see, best first.

    An entry whose title holds more of the words comes first; entries that
    rank equally follow in kind order (course, lesson, article, case), then in
    page-tree and article order.
    """
    if not words:
        return SearchEntry.objects.none()
    entries = SearchEntry.objects.filter(_visible_to(user))
    for word in words:
        entries = entries.filter(Q(title__icontains=word) | Q(text__icontains=word))
    title_hits = sum(
        (
            Case(When(title__icontains=word, then=Value(1)), default=Value(0))
            for word in words
        ),
        start=Value(0),
    )
    return (
        entries.annotate(title_hits=title_hits)
        .select_related("page", "article__law")
        .order_by("-title_hits", "kind", "page__path", "article__sort_order", "pk")
    )


@dataclass(frozen=True)
class SearchResult:
    kind: int
    kind_label: str
    title: SafeString
    snippet: SafeString
    url: str


def _words_pattern(words: list[str]) -> re.Pattern:
    # Longest first, so that 调解委员会 is marked whole when 调解 is searched too.
    ordered = sorted(words, key=len, reverse=True)
    return re.compile("|".join(re.escape(word) for word in ordered), re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern) -> SafeString:
    """The text HTML-escaped, each match of the pattern in <mark>."""
    pieces, position = [], 0
    for match in pattern.finditer(text):
        pieces.append((text[position : match.start()], match.group()))
        position = match.end()
    return format_html(
        "{}{}",
        format_html_join("", "{}<mark>{}</mark>", pieces),
        text[position:],
    )


def snippet(text: str, pattern: re.Pattern) -> SafeString:
    """About 80 characters of the text around its first match, highlighted."""
    text = " ".join(text.split())
    match = pattern.search(text)
    start = max(0, match.start() - SNIPPET_LEAD) if match else 0
    end = min(len(text), start + SNIPPET_LENGTH)
    start = max(0, end - SNIPPET_LENGTH)
    return format_html(
        "{}{}{}",
        "…" if start > 0 else "",
        highlight(text[start:end], pattern),
        "…" if end < len(text) else "",
    )


def search_results_present(
    entries: Iterable[SearchEntry], *, words: list[str], request
) -> list[SearchResult]:
    """Results as the page shows them: kind, highlighted title and snippet, link."""
    pattern = _words_pattern(words)
    results = []
    for entry in entries:
        if entry.article is not None:
            url = entry.article.get_absolute_url()
        else:
            url = entry.page.get_url(request) or ""
        results.append(
            SearchResult(
                kind=entry.kind,
                kind_label=entry.get_kind_display(),
                title=highlight(entry.title, pattern),
                snippet=snippet(entry.text, pattern),
                url=url,
            )
        )
    return results
