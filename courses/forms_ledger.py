"""The form of a training-hours correction."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class HoursCorrectionForm(forms.Form):
    hours = forms.DecimalField(
        label=_("Change in hours"),
        max_digits=5,
        decimal_places=1,
        min_value=Decimal("-999.9"),
        max_value=Decimal("999.9"),
        help_text=_("Negative to take hours away, e.g. -1.5; positive to add."),
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        help_text=_("Shown in the worker's ledger and kept in the audit log."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours == 0:
            raise forms.ValidationError(_("A correction must change the hours."))
        return hours
