"""The framework floor for ``make bench``: routed only when LIANXIN_BENCH_FLOOR=1.

The load run (tests/bench/load.py) serves it from the same gunicorn as the
pages it measures, so every page's throughput can be given as a share of
what Django itself manages here: the whole middleware stack, a session read
and one indexed query, and no template.
"""

from django.contrib.auth import get_user_model
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def floor(request):
    """A session read and one query by primary key; a tiny JSON answer."""
    user_id = request.session.get("_auth_user_id")
    known = bool(user_id) and get_user_model().objects.filter(pk=user_id).exists()
    return JsonResponse({"ok": True, "signed_in": known})
