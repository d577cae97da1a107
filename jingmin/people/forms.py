from django import forms
from django.utils.translation import gettext_lazy as _

from jingmin.forms import PointMixin
from jingmin.org.models import Unit
from jingmin.people.models import Category, Household, Kind

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
    # pickers: the choices are what the user may see; the value is checked again (scoped) in actions.py,
    # which gives the translated field error for anything else
    household = forms.CharField(label=_("household"), required=False, widget=forms.Select)
    registered_unit = forms.CharField(label=_("registered-address unit"), required=False, widget=forms.Select)

    field_order = [
        "kind", "category", "name", "national_id", "phone", "birth_date", "registered_address",
        "registered_unit", "actual_address", "lat", "lon", "household", "offence", "sentence_end",
        "parole_release", "parole_revoked_on", "notes",
    ]  # fmt: skip

    #: at most this many households in the picker (the nearest by address order); more: type the number
    PICK_LIMIT = 500

    def __init__(self, *args, user=None, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [
            (c.code, f"{c.get_kind_display()} · {c}") for c in Category.objects.filter(active=True)
        ]
        self.fields["lat"].label = _("latitude (where the person actually lives)")
        households = list(
            Household.objects.visible_to(user).select_related("village")[: self.PICK_LIMIT]
            if user is not None
            else []
        )
        if person is not None and person.household_id and person.household not in households:
            households.append(person.household)  # keep the current one selectable
        self.fields["household"].widget.choices = [("", "—")] + [
            (str(h.pk), f"{h.address} ({h.village.name})") for h in households
        ]
        units = list(
            Unit.objects.visible_to(user)
            .defer("boundary")
            .filter(kind__in=[Unit.Kind.BEAT, Unit.Kind.STATION])
            .order_by("path")
            if user is not None
            else []
        )
        if person is not None and person.registered_unit not in units:
            units.insert(0, person.registered_unit)
        self.fields["registered_unit"].widget.choices = [("", "—")] + [
            (u.code, f"{u.name} ({u.code})") for u in units
        ]
        self.fields["registered_unit"].help_text = _(
            "The beat of the registered address. Left empty: a beat officer's own beat, otherwise the beat "
            "of the point on the map."
        )


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
