from django import forms
from django.utils.translation import gettext_lazy as _

from jingmin.analytics import hotspot
from jingmin.analytics.models import IncidentCategory

MAX_UPLOAD = 100 * 1024 * 1024


class IncidentImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
    valid_only = forms.BooleanField(
        label=_("Import the valid rows even if some rows are bad"), required=False, initial=False
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 100 MB."))
        if not f.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Upload a .csv file."))
        try:
            return f.name, f.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text."))


def category_choices():
    return [(c.code, str(c)) for c in IncidentCategory.objects.filter(active=True)]


class LayerForm(forms.Form):
    """The map pages' selection: unit, categories, period and grid."""

    unit = forms.ChoiceField(label=_("Unit"))
    categories = forms.MultipleChoiceField(
        label=_("Categories"), required=False, widget=forms.CheckboxSelectMultiple
    )
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    cell = forms.FloatField(label=_("Cell size (m)"), min_value=10, max_value=2000, required=False)
    bandwidth = forms.FloatField(label=_("Bandwidth (m)"), min_value=1, max_value=5000, required=False)
    horizon_days = forms.FloatField(label=_("Horizon (days)"), min_value=1, max_value=56, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.code, f"{u.get_kind_display()} · {u}") for u in units]
        self.fields["categories"].choices = category_choices()
        self.fields["cell"].widget.attrs["placeholder"] = f"{hotspot.DEFAULT_CELL:g}"
        self.fields["bandwidth"].widget.attrs["placeholder"] = f"{hotspot.DEFAULT_BANDWIDTH:g}"
        self.fields["horizon_days"].widget.attrs["placeholder"] = "7"

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end date must not be before the start date."))
        return data


class BacktestForm(forms.Form):
    """Start a backtest from the evaluation page (validated again by ``actions.start_backtest``)."""

    unit = forms.ChoiceField(label=_("Unit"))
    category = forms.ChoiceField(label=_("Category"))
    start = forms.DateField(label=_("First forecast start"), widget=forms.DateInput(attrs={"type": "date"}))
    weeks = forms.IntegerField(label=_("Weeks"), min_value=1, max_value=52, initial=12)
    horizon_days = forms.FloatField(label=_("Horizon (days)"), min_value=1, max_value=28, initial=7)
    cell = forms.FloatField(label=_("Cell size (m)"), min_value=50, max_value=2000, initial=250)
    method = forms.ChoiceField(label=_("Method"), initial="all")

    def __init__(self, *args, units, **kwargs):
        from jingmin.analytics.actions import backtest_methods

        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.code, f"{u.get_kind_display()} · {u}") for u in units]
        self.fields["category"].choices = category_choices()
        self.fields["method"].choices = [
            (m, _("all (pick the best)") if m == "all" else m) for m in backtest_methods()
        ]


class WarningSettingForm(forms.Form):
    """A station's near-repeat warnings to the community (validated again by ``actions.save_warning_setting``)."""

    enabled = forms.BooleanField(
        label=_("Also warn the community through the messaging service"), required=False
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Besides the neighbourhood-watch contacts, also warn"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="code",
    )

    def __init__(self, *args, **kwargs):
        from jingmin.analytics.actions import WARNING_TAG
        from jingmin.messaging.models import Tag

        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = Tag.objects.exclude(code=WARNING_TAG).order_by("code")
