"""Pages of long lists on every page: ``page_of(request, queryset)`` and ``{% include "_pager.html" %}``.

Floor 0: imports Django only.
"""

from urllib.parse import urlencode

from django.core.paginator import Paginator

PER_PAGE = 50


def page_of(request, queryset, per_page=PER_PAGE):
    """(page, query) for the list: the page asked by ``?page=`` (a bad or too-high number gives the
    nearest page, never an error) and the other query parameters, for the pager's links."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    return page, query
