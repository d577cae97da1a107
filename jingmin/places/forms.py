from django import forms
from django.utils.translation import gettext_lazy as _

from jingmin.forms import PointMixin
from jingmin.places.models import Category, Risk


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
