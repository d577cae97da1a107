from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from jingmin.messaging.campaigns import KIND_CHOICES
from jingmin.messaging.models import Channel, MessageTemplate, Tag
from jingmin.org.fields import ModelMultipleChoiceField
from jingmin.org.models import Unit, Village


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Subject"), max_length=120)
    template = forms.ModelChoiceField(
        label=_("Template"), queryset=MessageTemplate.objects.none(), required=False
    )
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 7}), required=False)
    link = forms.URLField(label=_("Link"), required=False, max_length=1000, assume_scheme="https")
    image = forms.FileField(label=_("Image (JPEG or PNG)"), required=False)
    image_alt = forms.CharField(label=_("Image description (alt text)"), max_length=400, required=False)
    remove_image = forms.BooleanField(label=_("Remove the image"), required=False)
    kinds = forms.MultipleChoiceField(
        label=_("Send to"), choices=KIND_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    units = ModelMultipleChoiceField(
        label=_("Units"),
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        required=False,
    )
    tags = ModelMultipleChoiceField(
        label=_("Tags"), queryset=Tag.objects.all(), widget=forms.CheckboxSelectMultiple, required=False
    )
    villages = ModelMultipleChoiceField(
        label=_("Villages"),
        queryset=Village.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        required=False,
    )
    scheduled_for = forms.DateTimeField(
        label=_("Send at (empty: when you press Send)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = MessageTemplate.objects.visible_to(user)
        self.fields["units"].queryset = Unit.objects.visible_to(user).exclude(kind=Unit.Kind.BUREAU)
        self.fields["villages"].queryset = Village.objects.visible_to(user).select_related("district")


class TemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["category", "scam_type", "title", "body", "link"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}


class ChannelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    slug = forms.SlugField(
        label=_("Webhook name"), max_length=60, help_text=_("The webhook URL is /hooks/line/<name>.")
    )
    transport = forms.ChoiceField(label=_("Transport"), choices=Channel.Transport.choices)
    line_channel_id = forms.CharField(
        label=_("LINE channel ID"), required=False, widget=forms.PasswordInput(render_value=False)
    )
    line_channel_secret = forms.CharField(
        label=_("LINE channel secret"), required=False, widget=forms.PasswordInput(render_value=False)
    )
    line_access_token = forms.CharField(
        label=_("LINE channel access token"), required=False, widget=forms.PasswordInput(render_value=False)
    )
    api_host = forms.CharField(
        label=_("API host"),
        required=False,
        help_text=_("https://api.line.me in production; empty: messages are written to the console."),
    )
    monthly_quota = forms.IntegerField(label=_("Monthly message quota"), required=False, min_value=0)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    village = forms.ModelChoiceField(label=_("Village"), queryset=Village.objects.none(), required=False)
    tags = ModelMultipleChoiceField(
        label=_("Tags"), queryset=Tag.objects.all(), widget=forms.CheckboxSelectMultiple, required=False
    )
    partners = ModelMultipleChoiceField(
        label=_("Community partners who may read this group's messages"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, contact, **kwargs):
        super().__init__(*args, **kwargs)
        station = contact.channel.unit
        self.fields["unit"].queryset = Unit.objects.filter(path__startswith=station.path)
        self.fields["village"].queryset = station.all_villages().select_related("district")
        self.fields["partners"].queryset = get_user_model().objects.filter(
            groups__name="community_partner", officer__unit__path__startswith=station.path
        )


class EmailContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    address = forms.EmailField(label=_("E-mail address"))
    tags = ModelMultipleChoiceField(
        label=_("Tags"), queryset=Tag.objects.all(), widget=forms.CheckboxSelectMultiple, required=False
    )


class RetentionForm(forms.Form):
    closed_tip_days = forms.IntegerField(
        label=_("Keep closed tips for (days)"),
        min_value=30,
        max_value=3650,
        help_text=_("Counted from when the tip was closed. Open tips are never deleted."),
    )
    webhook_event_days = forms.IntegerField(
        label=_("Keep webhook event records for (days)"),
        min_value=7,
        max_value=3650,
        help_text=_("LINE redelivers events for a while: records are needed to recognise them."),
    )
