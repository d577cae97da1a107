from django import forms
from django.utils.translation import gettext_lazy as _

from jingmin.places.models import Category, Risk


def apply_errors(form, exc):
    """Put a ValidationError from an action onto the form's fields (unknown fields: non-field)."""
    if hasattr(exc, "message_dict"):
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


class PointMixin(forms.Form):
    lat = forms.FloatField(
        label=_("latitude"), widget=forms.NumberInput(attrs={"step": "any", "class": "pick-lat"})
    )
    lon = forms.FloatField(
        label=_("longitude"), widget=forms.NumberInput(attrs={"step": "any", "class": "pick-lon"})
    )


class PlaceForm(PointMixin):
    name = forms.CharField(label=_("name"), max_length=120)
    category = forms.ChoiceField(label=_("category"))
    risk = forms.TypedChoiceField(
        label=_("risk level"), choices=Risk.choices, coerce=int, initial=Risk.MEDIUM
    )
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.ImageField(label=_("photo"), required=False)
    active = forms.BooleanField(label=_("active"), required=False, initial=True)

    field_order = ["name", "category", "risk", "address", "description", "lat", "lon", "photo", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.code, str(c)) for c in Category.objects.filter(active=True)]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))
    valid_only = forms.BooleanField(
        label=_("Import the valid rows even if some rows have errors"), required=False
    )
