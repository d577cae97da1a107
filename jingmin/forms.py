"""Form pieces every app's pages share: a point picked on the map, the import upload, and an action's
ValidationError put onto a form."""

from django import forms
from django.utils.translation import gettext_lazy as _


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


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))
    valid_only = forms.BooleanField(
        label=_("Import the valid rows even if some rows have errors"), required=False
    )
