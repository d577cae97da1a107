from django import forms
from django.utils.translation import gettext_lazy as _

from jingmin.intel.models import ForwardTo, IntelKind, Urgency


class IntelForm(forms.Form):
    kind = forms.ChoiceField(label=_("type"), choices=IntelKind.choices)
    urgency = forms.ChoiceField(
        label=_("urgency"), choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )
    text = forms.CharField(label=_("report"), widget=forms.Textarea(attrs={"rows": 4}))
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    place = forms.IntegerField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(
        label=_("latitude"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "class": "pick-lat"}),
    )
    lon = forms.FloatField(
        label=_("longitude"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "class": "pick-lon"}),
    )


class AssignForm(forms.Form):
    assigned_to = forms.ChoiceField(label=_("assign to"))


class ForwardForm(forms.Form):
    forwarded_to = forms.ChoiceField(label=_("forward to"), choices=ForwardTo.choices)
    note = forms.CharField(label=_("note"), required=False)


class CloseForm(forms.Form):
    outcome = forms.CharField(label=_("outcome"), widget=forms.Textarea(attrs={"rows": 2}))
