from django import forms
from django.utils.translation import gettext_lazy as _

from jingmin.people.models import Category, Kind
from jingmin.places.forms import PointMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonForm(PointMixin):
    kind = forms.ChoiceField(label=_("kind"), choices=Kind.choices)
    category = forms.ChoiceField(label=_("category"), required=False)
    name = forms.CharField(label=_("name"), max_length=60)
    national_id = forms.CharField(label=_("ID number"), max_length=10, required=False)
    phone = forms.CharField(label=_("phone"), max_length=40, required=False)
    birth_date = forms.DateField(label=_("date of birth"), required=False, widget=DATE)
    registered_address = forms.CharField(label=_("registered address"), max_length=200, required=False)
    actual_address = forms.CharField(label=_("actual address"), max_length=200, required=False)
    offence = forms.CharField(label=_("conviction / offence"), max_length=200, required=False)
    sentence_end = forms.DateField(label=_("end of sentence"), required=False, widget=DATE)
    parole_release = forms.DateField(label=_("released on parole"), required=False, widget=DATE)
    parole_revoked_on = forms.DateField(label=_("parole revoked on"), required=False, widget=DATE)
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    field_order = [
        "kind", "category", "name", "national_id", "phone", "birth_date", "registered_address", "actual_address",
        "lat", "lon", "offence", "sentence_end", "parole_release", "parole_revoked_on", "notes",
    ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [
            (c.code, f"{c.get_kind_display()} · {c}") for c in Category.objects.filter(active=True)
        ]
        self.fields["lat"].label = _("latitude (where the person actually lives)")


class HouseholdForm(PointMixin):
    address = forms.CharField(label=_("address"), max_length=200)
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    field_order = ["address", "lat", "lon", "notes"]


class SearchForm(forms.Form):
    note = forms.CharField(
        label=_("What is known (last seen, why the whereabouts are unknown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
