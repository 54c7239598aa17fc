from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel


class ChannelForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Where"), choices=Channel.Kind.choices, widget=forms.RadioSelect
    )
    url = forms.URLField(
        label=_("Incoming webhook address"),
        max_length=Channel._meta.get_field("url").max_length,
        assume_scheme="https",
        help_text=_(
            "Slack: https://hooks.slack.com/services/…; Microsoft Teams: the address of a "
            "Workflows webhook that posts to the channel. Keep it secret: whoever has it can "
            "post there."
        ),
    )
