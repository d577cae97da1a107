from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingmin.visits.models import Method

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VisitForm(forms.Form):
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    place = forms.IntegerField(required=False, widget=forms.HiddenInput)
    visited_at = forms.DateTimeField(
        label=_("when"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    method = forms.ChoiceField(
        label=_("method"), choices=Method.choices, initial=Method.ONSITE, widget=forms.RadioSelect
    )
    met = forms.CharField(label=_("whom they met"), max_length=200, required=False)
    observations = forms.CharField(
        label=_("observations"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    indicators_seen = forms.BooleanField(label=_("crime indicators seen"), required=False)
    arranged = forms.BooleanField(label=_("time arranged with the person"), required=False)
    notice_given_on = forms.DateField(
        label=_("written notice given on"),
        required=False,
        widget=DATE,
        input_formats=["%Y-%m-%d"],
        help_text=_("Group meetings: the day the written notice was given."),
    )
    minutes = forms.CharField(
        label=_("minutes spent"),
        required=False,
        max_length=4,
        widget=forms.NumberInput(attrs={"min": 1, "max": 480, "inputmode": "numeric"}),
    )
    registration_mismatch = forms.BooleanField(
        label=_("Residents do not match the household registration (勤區訪查通報單)"), required=False
    )
    registration_details = forms.CharField(
        label=_("Who lives there and how it differs from the registration"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("visited_at", timezone.localtime().replace(second=0, microsecond=0))

    def clean(self):
        data = super().clean()
        if data.get("method") != Method.GROUP:
            # only group meetings need the written notice: a value left in the hidden field is ignored
            self.errors.pop("notice_given_on", None)
            data["notice_given_on"] = None
        return data

    def is_group(self):
        value = self["method"].value()
        return value == Method.GROUP
