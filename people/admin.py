"""The Django admin (/django-admin/) for people: the system owner's back office."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import (
    AuditEntry,
    HRScope,
    OrgUnit,
    Position,
    RosterImport,
    User,
    WorkerProfile,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("name", "mobile", "email")}),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "name",
                    "mobile",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = ("username", "name", "mobile", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("username", "name", "mobile")
    ordering = ("username",)


@admin.register(OrgUnit)
class OrgUnitAdmin(TreeAdmin):
    form = movenodeform_factory(OrgUnit)
    list_display = ("name", "level", "code")
    search_fields = ("name", "code")


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ("name", "post_type", "sort_order")
    list_editable = ("sort_order",)
    list_filter = ("post_type",)
    search_fields = ("name",)


@admin.register(WorkerProfile)
class WorkerProfileAdmin(admin.ModelAdmin):
    list_display = (
        "employee_no",
        "worker_name",
        "worker_mobile",
        "org_unit",
        "position",
        "grade",
        "is_active",
    )
    list_filter = ("position", "is_active", "qualification")
    list_select_related = ("user", "org_unit", "position")
    search_fields = ("employee_no", "user__name", "user__mobile")
    autocomplete_fields = ("user", "org_unit")
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description=_("name"), ordering="user__name")
    def worker_name(self, profile):
        return profile.user.name

    @admin.display(description=_("mobile phone"))
    def worker_mobile(self, profile):
        return profile.user.mobile or ""


@admin.register(HRScope)
class HRScopeAdmin(admin.ModelAdmin):
    list_display = ("user", "org_unit")
    list_select_related = ("user", "org_unit")
    search_fields = ("user__username", "user__name", "org_unit__name")
    autocomplete_fields = ("user", "org_unit")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never written from the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit log is append-only: the database refuses edits on PostgreSQL."""

    list_display = ("at", "actor_label", "action", "object_label", "ip")
    list_filter = ("action",)
    search_fields = ("actor_label", "action", "object_label", "object_id", "ip")
    # Counting a long log on every page view is slow; the log only grows.
    show_full_result_count = False


@admin.register(RosterImport)
class RosterImportAdmin(ReadOnlyAdmin):
    """Imports are made on the roster page, which the changelist links to."""

    change_list_template = "people/admin/rosterimport_change_list.html"
    list_display = (
        "filename",
        "uploaded_by",
        "status",
        "created_count",
        "updated_count",
        "created_at",
        "finished_at",
    )
    list_filter = ("status",)
    list_select_related = ("uploaded_by",)
    search_fields = ("filename",)
    exclude = ("content",)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")
