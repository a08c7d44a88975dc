"""Forms of the learning pages: the catalog filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import Category, CoursePage
from people.models import Position


class CatalogFilterForm(forms.Form):
    """The catalog's GET filters. A value that is not valid is ignored, not an error."""

    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All categories"),
    )
    kind = forms.ChoiceField(
        label=_("Required or elective"),
        choices=[("", _("Required and elective")), *CoursePage.Kind.choices],
        required=False,
    )
    position = forms.ModelChoiceField(
        label=_("For position"),
        queryset=Position.objects.all(),
        required=False,
        empty_label=_("All positions"),
    )

    def filters(self) -> dict:
        """The valid filters only: a stale link or a typed URL still shows courses."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "category": cleaned.get("category"),
            "kind": cleaned.get("kind") or None,
            "position": cleaned.get("position"),
        }

    def querystring(self) -> str:
        """The valid filters as a query string, for the pagination links."""
        from django.http import QueryDict

        query = QueryDict(mutable=True)
        for name, value in self.filters().items():
            if value is None:
                continue
            query[name] = (
                value.slug if name == "category" else getattr(value, "pk", value)
            )
        return query.urlencode()
