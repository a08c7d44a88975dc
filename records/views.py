from django.shortcuts import render

from people import roles
from people.decorators import role_required
from people.selectors import scope_units, workers_in_scope


@role_required(roles.HR, roles.ADMIN)
def home(request):
    """HR home: the scopes this reviewer holds and how many workers are in them."""
    context = {
        "scopes": scope_units(user=request.user),
        "worker_count": workers_in_scope(user=request.user)
        .filter(is_active=True)
        .count(),
    }
    return render(request, "records/home.html", context)
