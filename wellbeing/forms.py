from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Instrument
from .selectors.aggregates import periods_offered


class ConsentForm(forms.Form):
    """Consent is a box the worker ticks: never pre-ticked."""

    agree = forms.BooleanField(
        label=_("I have read the above and agree to take this self-assessment."),
        required=True,
        error_messages={
            "required": _("Tick the box to agree, or leave this page if you do not.")
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class AnswersForm(forms.Form):
    """One radio group per item, built from the instrument's data."""

    def __init__(self, *args, instrument: Instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        choices = [(str(o["value"]), o["label"]) for o in instrument.scale]
        for number, item in enumerate(instrument.items, start=1):
            self.fields[f"q{number}"] = forms.TypedChoiceField(
                label=item["text"],
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Please choose an answer.")},
            )

    def answers(self) -> list[int]:
        return [
            self.cleaned_data[f"q{n}"] for n in range(1, len(self.instrument.items) + 1)
        ]


class AggregateForm(forms.Form):
    """A fixed period (year or quarter) and, with several, the instrument."""

    period = forms.ChoiceField(label=_("Period"))
    instrument = forms.ModelChoiceField(
        label=_("Self-assessment"),
        queryset=Instrument.objects.filter(is_active=True),
        to_field_name="slug",
        empty_label=None,
    )

    def __init__(self, *args, periods=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = periods_offered() if periods is None else periods
        self.fields["period"].choices = [(p.key, p.label) for p in self.periods]
