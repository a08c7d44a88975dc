from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from people.models import WorkerProfile


@login_required
def my_learning(request):
    """我的学习: the worker's home; courses, hours and certificates come later."""
    profile = (
        WorkerProfile.objects.select_related("org_unit", "position")
        .filter(user=request.user)
        .first()
    )
    return render(request, "courses/my_learning.html", {"profile": profile})
