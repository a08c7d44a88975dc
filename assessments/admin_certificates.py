"""Django admin for certificates: read-only lists for admins (writes go through
the services: issuing by the task, revocation from the HR pages)."""

from django.contrib import admin

from .models import Certificate, CertificateArchive


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = [
        "serial",
        "holder_name",
        "course_title",
        "cycle",
        "completed_on",
        "expires_on",
        "revoked_at",
    ]
    list_filter = ["expires_on", "revoked_at"]
    search_fields = ["serial", "holder_name", "course_title"]
    list_select_related = ["user", "course"]
    exclude = ["code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "code"]


@admin.register(CertificateArchive)
class CertificateArchiveAdmin(admin.ModelAdmin):
    list_display = ["course", "requested_by", "status", "done", "total", "created_at"]
    list_select_related = ["course", "requested_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
