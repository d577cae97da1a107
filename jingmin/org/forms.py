from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from jingmin.org.fields import ModelMultipleChoiceField
from jingmin.org.models import Officer, TrainingSession


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Wrong username or password. After 5 failures the account is locked for 15 minutes."
        ),
        "inactive": _("This account is disabled. Ask your administrator."),
    }


class TrainingSessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["topic", "held_on", "hours", "trainer", "notes"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours is None or hours <= 0 or hours > 24:
            raise forms.ValidationError(_("Hours must be more than 0 and at most 24."))
        return hours


class AttendanceForm(forms.Form):
    attendees = ModelMultipleChoiceField(
        queryset=Officer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Attendees"),
    )
    completed = ModelMultipleChoiceField(
        queryset=Officer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Completed"),
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = officers
        self.fields["completed"].queryset = officers
        self.fields["attendees"].label_from_instance = self.fields["completed"].label_from_instance = (
            lambda o: f"{o} ({o.unit.name})"
        )


class UnitImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or GeoJSON file"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        if not f.name.lower().endswith((".csv", ".geojson", ".json")):
            raise forms.ValidationError(_("Upload a .csv or .geojson file."))
        try:
            return f.name, f.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text."))
