"""Django admin for question banks: read-only lists for admins (questions are
written through the services, from the trainers' bank pages and imports, so
that every type is checked and used questions get a new version)."""

from django.contrib import admin

from .models import Question, QuestionBank, QuestionCategory, QuestionVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionInline(admin.TabularInline):
    model = QuestionVersion
    fields = ["number", "stem", "answer", "points", "created_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QuestionBank)
class QuestionBankAdmin(ReadOnlyAdmin):
    list_display = ["name", "course", "created_by", "created_at"]
    search_fields = ["name"]
    list_select_related = ["course", "created_by"]


@admin.register(QuestionCategory)
class QuestionCategoryAdmin(ReadOnlyAdmin):
    list_display = ["name", "bank"]
    list_filter = ["bank"]
    search_fields = ["name"]
    list_select_related = ["bank"]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "bank", "type", "difficulty", "category", "is_active"]
    list_filter = ["type", "difficulty", "is_active", "bank"]
    search_fields = ["name"]
    list_select_related = ["bank", "category"]
    exclude = ["tags"]
    inlines = [VersionInline]
