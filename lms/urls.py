from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views


class ToSignIn(RedirectView):
    """The admins' own login pages lead to ours, keeping ?next=."""

    pattern_name = "people:login"
    query_string = True


urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("django-admin/login/", ToSignIn.as_view(), name="django_admin_login"),
    path("django-admin/", admin.site.urls),
    path("admin/login/", ToSignIn.as_view(), name="wagtail_admin_login"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/", include("records.api.urls")),
    path("", include("people.urls")),
    path("", include("courses.urls")),
    path("", include("assessments.urls")),
    path("", include("wellbeing.urls")),
    path("", include("records.urls")),
    path("", include("cms.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# The framework floor of `make bench` (tests/bench/load.py): never routed otherwise.
if settings.LIANXIN_BENCH_FLOOR:
    from . import bench_views

    urlpatterns.append(path("bench/floor/", bench_views.floor, name="bench_floor"))

# Wagtail serves every other path from the page tree: keep it last.
urlpatterns.append(path("", include(wagtail_urls)))

admin.site.site_header = "连心学堂 · 系统管理"
admin.site.site_title = "连心学堂"
