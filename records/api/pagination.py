from rest_framework.pagination import PageNumberPagination


class RecordsPagination(PageNumberPagination):
    """100 rows a page by default; ``page_size`` up to 1000."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
