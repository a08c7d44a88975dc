"""The Django admin (/django-admin/) for the hours ledger, targets and sessions.

Courses themselves are edited in the Wagtail admin; offline sessions are
created here for now.
"""

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from people import roles

from .models import HoursTarget, OfflineSession, SessionRegistration, TrainingRecord


class SessionRegistrationInline(admin.TabularInline):
    """Registrations and attendance are made by the services, never here."""

    model = SessionRegistration
    extra = 0
    can_delete = False
    fields = ("user", "registered_at", "attended_at", "checkin_method", "checked_in_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "checked_in_by")


@admin.register(OfflineSession)
class OfflineSessionAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "kind",
        "starts_at",
        "place",
        "organiser",
        "hours",
        "capacity",
        "registered_count",
        "attended_count",
    )
    list_filter = ("kind", "starts_at")
    list_select_related = ("organiser",)
    search_fields = ("title", "place", "organiser__name", "organiser__username")
    date_hierarchy = "starts_at"
    raw_id_fields = ("course",)
    inlines = [SessionRegistrationInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                registered=Count("registrations"),
                attended=Count(
                    "registrations",
                    filter=Q(registrations__attended_at__isnull=False),
                ),
            )
        )

    @admin.display(description=_("registered"), ordering="registered")
    def registered_count(self, session):
        return session.registered

    @admin.display(description=_("checked in"), ordering="attended")
    def attended_count(self, session):
        return session.attended

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Organisers are trainers or admins.
        if db_field.name == "organiser":
            names = [roles.GROUP_NAMES[roles.TRAINER], roles.GROUP_NAMES[roles.ADMIN]]
            kwargs["queryset"] = (
                db_field.related_model.objects.filter(
                    Q(groups__name__in=names) | Q(is_superuser=True)
                )
                .distinct()
                .order_by("name", "username")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(HoursTarget)
class HoursTargetAdmin(admin.ModelAdmin):
    """A row without a position is the year's default for every position."""

    list_display = ("year", "position_label", "hours")
    list_filter = ("year", "position")
    list_select_related = ("position",)

    @admin.display(description=_("position"), ordering="position__name")
    def position_label(self, target):
        return target.position or _("Default (every position)")


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    """The ledger is append-only: corrections are made on the correction page."""

    list_display = (
        "created_at",
        "user",
        "year",
        "source",
        "title",
        "hours",
        "created_by",
        "correct_link",
    )
    list_filter = ("year", "source", "created_at")
    list_select_related = ("user", "created_by")
    search_fields = ("user__name", "user__username", "title", "reference")
    date_hierarchy = "created_at"
    show_full_result_count = False

    @admin.display(description=_("correction"))
    def correct_link(self, record):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("courses:hours_correct", args=[record.pk]),
            _("Correct"),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
