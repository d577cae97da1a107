"""Form helpers every app shares: action errors onto form fields, a map point, a file upload for imports.

Floor 0: imports Django only, no app, so any app (``org`` included) may use it.
"""

from django import forms
from django.utils.translation import gettext_lazy as _


def apply_errors(form, exc, *, non_field=()):
    """Put a ValidationError raised by an action onto the form's fields.

    A field the form does not have (or one named in ``non_field``, or ``__all__``) becomes a non-field
    error, so no message is lost.
    """
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            known = field in form.fields and field not in non_field
            form.add_error(field if known else None, messages)
    else:
        form.add_error(None, exc.messages)


class PointMixin(forms.Form):
    """Latitude and longitude fields that the page's map picker fills (``pick-lat`` / ``pick-lon``)."""

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
