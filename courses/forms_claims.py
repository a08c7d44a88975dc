"""The form a worker fills in to claim hours of training done elsewhere."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .services.claims import claim_proof_check


class ClaimForm(forms.Form):
    title = forms.CharField(label=_("Training title"), max_length=200)
    organiser = forms.CharField(
        label=_("Organiser"),
        max_length=200,
        help_text=_("Who ran the training, e.g. 市民政局 or a university."),
    )
    start_date = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=4,
        decimal_places=1,
        min_value=Decimal("0.5"),
        max_value=Decimal("100"),
        help_text=_("From 0.5 to 100 hours, as on the certificate."),
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    proof = forms.FileField(
        label=_("Proof"),
        help_text=_(
            "A photo (JPEG or PNG) or a PDF of the certificate or attendance "
            "record, at most 5 MB."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,application/pdf"}
        ),
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_proof(self):
        try:
            return claim_proof_check(self.cleaned_data["proof"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day is before the first day."))
        if end and self.today and end > self.today:
            self.add_error(
                "end_date", _("Claim a training only once it has taken place.")
            )
        return data
