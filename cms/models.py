from __future__ import annotations

from django import forms
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, PageQuerySet
from wagtail.search import index

from .laws import article_number, short_title_for


class HomePage(Page):
    """The site's front page. Later features add featured courses and news."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, "intro"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")


class StandardPage(Page):
    """A plain page of text: notices, about, help."""

    intro = models.TextField(_("introduction"), blank=True, max_length=300)
    body = RichTextField(_("body"), blank=True)

    search_fields = [*Page.search_fields, index.SearchField("body")]
    content_panels = [*Page.content_panels, "intro", "body"]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class LawLibraryPage(Page):
    """法律法规库: lists the laws under it. Laws arrive through `import_law`."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, "intro"]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.LawPage"]

    class Meta:
        verbose_name = _("law library")

    def laws(self) -> PageQuerySet:
        """The published laws, in tree order, each with its `article_count`."""
        return (
            LawPage.objects.child_of(self)
            .live()
            .public()
            .annotate(article_count=Count("articles"))
            .order_by("path")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["laws"] = self.laws()
        return context


class LawPage(Page):
    """One law or regulation, its text stored article by article in LawArticle.

    The text comes from a file through `import_law` (services.law_import), never
    from the editor: an official text is corrected by importing a corrected file.
    So the title, history, dates and articles are read-only in the admin, and
    editors cannot create or copy law pages there. They may set the short title,
    and unpublish, move or delete a law.
    """

    short_title = models.CharField(
        _("short title"),
        max_length=255,
        blank=True,
        help_text=_(
            "How lessons cite the law, e.g. 人民调解法. Left blank, it is "
            "the full title without 中华人民共和国."
        ),
    )
    history = models.TextField(
        _("issuing history"),
        blank=True,
        help_text=_("Adoption and amendments, one per line, as in the source."),
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    effective_on = models.DateField(_("in force since"), null=True, blank=True)

    content_panels = [
        FieldPanel("title", read_only=True),
        "short_title",
        FieldPanel("history", read_only=True),
        FieldPanel("adopted_on", read_only=True),
        FieldPanel("effective_on", read_only=True),
        HelpPanel(
            content=_(
                "The text of a law is imported from a file: "
                "<code>python manage.py import_law FILE.md</code>. To correct it, "
                "import a corrected file; its articles are replaced."
            ),
            heading=_("Articles"),
        ),
    ]
    parent_page_types = ["cms.LawLibraryPage"]
    subpage_types = []
    # Law pages are made by the importer only: a page made or copied in the admin
    # would have no articles (and a copy would share the title the importer
    # matches on). Wagtail also refuses to copy a page that is not creatable.
    is_creatable = False

    search_fields = [*Page.search_fields, index.SearchField("short_title")]

    class Meta:
        verbose_name = _("law")
        verbose_name_plural = _("laws")

    def clean(self):
        super().clean()
        if not self.short_title:
            self.short_title = short_title_for(self.title)

    def article(self, number: int | str) -> LawArticle | None:
        """Article 7, given 7 or "第七条"; None when the law has no such article."""
        if isinstance(number, str):
            try:
                number = article_number(number)
            except ValueError:
                return None
        return self.articles.filter(number=number).first()

    def chapters(self, articles) -> list[dict]:
        """Group the articles for display: chapter and section headings, in order.

        Each group is {"anchor", "chapter", "section", "articles"}; "chapter" is
        empty when the group continues the chapter of the group before it (a new
        section), so the template draws each chapter heading once.
        """
        groups: list[dict] = []
        previous_chapter = None
        for article in articles:
            if groups and groups[-1]["label"] == article.chapter:
                groups[-1]["articles"].append(article)
                continue
            chapter, _sep, section = article.chapter.partition(" / ")
            groups.append(
                {
                    "anchor": f"chapter-{len(groups) + 1}",
                    "label": article.chapter,
                    "chapter": chapter if chapter != previous_chapter else "",
                    "section": section,
                    "articles": [article],
                }
            )
            previous_chapter = chapter
        return groups

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = list(self.articles.all())
        context["articles"] = articles
        context["chapters"] = self.chapters(articles)
        context["has_chapters"] = any(article.chapter for article in articles)
        return context


# LawArticle is a plain model, not an Orderable with a ParentalKey, on purpose:
# - the articles are an official text that only `law_import` writes, replacing
#   all of a law's articles in one transaction from a parsed file whose numbers
#   are checked to increase (a gap is reported). Editors get no InlinePanel, so
#   they cannot renumber, drop or reorder an article by accident, and the unique
#   (law, number) constraint stops any other code from doubling one;
# - revisions then hold the page fields only, not a copy of the whole law each
#   time, and search and lesson citations query the one live table;
# - the price: reverting a LawPage revision does not revert its articles, and a
#   draft preview shows the live articles. Both are fine for a text that changes
#   only by re-import.
class LawArticle(models.Model):
    """One article (第X条) of a law, all its paragraphs in `text`."""

    law = models.ForeignKey(
        LawPage,
        on_delete=models.CASCADE,
        related_name="articles",
        verbose_name=_("law"),
    )
    number = models.PositiveIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=20)
    chapter = models.CharField(_("chapter"), max_length=255, blank=True)
    text = models.TextField(_("text"))
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("law article")
        verbose_name_plural = _("law articles")
        ordering = ["sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["law", "number"], name="cms_lawarticle_unique_number"
            )
        ]

    def __str__(self):
        return f"{self.law.short_title or short_title_for(self.law.title)} {self.label}"

    def get_absolute_url(self) -> str:
        return f"{self.law.url or ''}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"article-{self.number}"

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n")


class CaseLibraryPage(Page):
    """案例库: worked cases of community work (disputes, emergencies, services)."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, "intro"]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CasePage"]

    class Meta:
        verbose_name = _("case library")

    def cases(self) -> PageQuerySet:
        return (
            CasePage.objects.child_of(self)
            .live()
            .public()
            .order_by("-first_published_at")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["cases"] = self.cases()
        return context


class CasePage(Page):
    """One case (案例): what happened, how it was handled, the result and a comment."""

    class Kind(models.TextChoices):
        NEIGHBOUR = "neighbour", _("Neighbour dispute")
        FAMILY = "family", _("Family dispute")
        PROPERTY = "property", _("Property management")
        LABOUR = "labour", _("Labour and wages")
        EMERGENCY = "emergency", _("Emergency")
        SERVICE = "service", _("Resident services")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    summary = models.TextField(_("summary"), max_length=300, blank=True)
    background = RichTextField(_("background (基本案情)"))
    process = RichTextField(_("handling (处理过程)"))
    outcome = RichTextField(_("outcome (结果)"))
    commentary = RichTextField(_("commentary (点评)"), blank=True)
    related_articles = ParentalManyToManyField(
        "cms.LawArticle",
        blank=True,
        related_name="cases",
        verbose_name=_("related articles (相关法条)"),
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("background"),
        index.SearchField("process"),
        index.SearchField("outcome"),
        index.SearchField("commentary"),
    ]
    content_panels = [
        *Page.content_panels,
        "kind",
        "summary",
        "background",
        "process",
        "outcome",
        "commentary",
        FieldPanel("related_articles", widget=forms.SelectMultiple(attrs={"size": 12})),
    ]
    parent_page_types = ["cms.CaseLibraryPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = self.related_articles.select_related("law")
        return context


class SearchEntry(models.Model):
    """The plain text of one searchable thing, kept for /search/ (see cms/search.py).

    A row mirrors the live version of a course, lesson or case, or one article
    of a live law. It holds no visibility data: the search checks at query time
    that the page is live, public and visible to the user, so a stale row can
    never show what the user may not see.
    """

    class Kind(models.IntegerChoices):
        # The order is the order of results that rank equally.
        COURSE = 1, _("Course")
        LESSON = 2, _("Lesson")
        ARTICLE = 3, _("Law article")
        CASE = 4, _("Case")

    kind = models.PositiveSmallIntegerField(_("kind"), choices=Kind.choices)
    # The page itself; for an article, its law.
    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("page"),
    )
    article = models.ForeignKey(
        LawArticle,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("law article"),
    )
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(
                fields=["page"],
                condition=models.Q(article__isnull=True),
                name="cms_searchentry_unique_page",
            ),
            models.UniqueConstraint(
                fields=["article"],
                condition=models.Q(article__isnull=False),
                name="cms_searchentry_unique_article",
            ),
        ]

    def __str__(self):
        return self.title
