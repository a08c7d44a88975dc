"""The Django admin for HR review: API tokens and exports (read-only)."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .models import ApiToken, ExportJob
from .services.tokens import api_token_create, api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """An admin makes a token for an HR user; the key is shown once, then only
    its first characters."""

    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "user__name"]
    fields = ["user", "name"]
    readonly_fields = [
        "prefix",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        return (
            ["user", "name"] if obj is None else ["user", "name", *self.readonly_fields]
        )

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["user", "name", *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, raw = api_token_create(
            user=obj.user, name=obj.name, created_by=request.user, request=request
        )
        obj.pk = token.pk
        obj.__dict__.update(token.__dict__)
        messages.warning(
            request,
            _("Copy the token now; it is not shown again: %(token)s") % {"token": raw},
        )

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_lazy("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(token=token, actor=request.user, request=request)


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "user", "format", "status", "total_rows", "created_at"]
    list_filter = ["status", "format"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
