"""Site-wide views that are not Wagtail pages: search."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .search import (
    PER_PAGE,
    search_entries,
    search_query_parse,
    search_results_present,
)


@require_safe
def search(request):
    """/search/?q=…: anyone may search; each sees only what they may open."""
    query = search_query_parse(request.GET.get("q", ""))
    entries = search_entries(user=request.user, words=query.words)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    results = search_results_present(page, words=query.words, request=request)
    return render(
        request,
        "cms/search.html",
        {"query": query, "page": page, "results": results},
    )
