"""The dashboard's filters, shared by the dashboard, the exports and the API."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RecordFilterForm(forms.Form):
    """What HR may narrow the records to. Ids are checked against the scope by
    records.selectors.filters.record_filters, never here."""

    unit = forms.IntegerField(label=_("Org unit"), required=False, min_value=1)
    course = forms.IntegerField(label=_("Course"), required=False, min_value=1)
    plan = forms.IntegerField(label=_("Learning plan"), required=False, min_value=1)
    position = forms.IntegerField(label=_("Position"), required=False, min_value=1)
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=2000, max_value=2100
    )
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("course") and data.get("plan"):
            raise forms.ValidationError(
                _("Choose a course or a learning plan, not both."), code="both"
            )
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to", _("The end date must not be before the start date.")
            )
        if data.get("year") and (start or end):
            raise forms.ValidationError(
                _("Choose a year or a date range, not both."), code="year_and_dates"
            )
        return data
