from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from django import forms
from django.utils.translation import gettext_lazy as _
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

from revans.accounts.models import Role, User

from .models import ScimToken, SignOn

ROLE_NAMES = {role.value: role for role in Role} | {str(role.label).lower(): role for role in Role}


def parse_group_roles(text: str) -> dict[str, list[str]]:
    """'Group name = role, role' per line into {group: [role, ...]}; a clear error otherwise."""
    mapping: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        group, equals, roles = line.rpartition("=")
        names = [name.strip().lower() for name in roles.split(",") if name.strip()]
        unknown = [name for name in names if name not in ROLE_NAMES]
        if not equals or not group.strip() or not names or unknown:
            raise forms.ValidationError(
                _("Line %(number)s: write “Group name = role, role” with roles among %(roles)s."),
                params={"number": number, "roles": ", ".join(r.value for r in Role)},
            )
        mapping[group.strip()] = sorted({ROLE_NAMES[name].value for name in names})
    return mapping


def show_group_roles(mapping: dict[str, list[str]]) -> str:
    return "\n".join(f"{group} = {', '.join(roles)}" for group, roles in mapping.items())


class SignOnForm(forms.ModelForm[SignOn]):
    protocol = forms.ChoiceField(
        label=_("Protocol"), choices=SignOn.Protocol.choices, widget=forms.RadioSelect
    )
    group_roles = forms.CharField(
        label=_("Roles from groups"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One line per group your provider sends: “Programme office = admin, sponsor”. "
            "People in none of them join as participants."
        ),
    )
    client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Leave empty to keep the secret already saved."),
    )

    class Meta:
        model = SignOn
        fields = [
            "protocol",
            "display_name",
            "discovery_url",
            "client_id",
            "client_secret",
            "metadata_url",
            "metadata_xml",
            "idp_initiated",
            "groups_scope",
            "group_roles",
            "enabled",
            "required",
        ]
        widgets = {"metadata_xml": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.saved_secret = self.instance.client_secret
        self.initial["group_roles"] = show_group_roles(self.instance.group_roles or {})

    def clean_group_roles(self) -> dict[str, list[str]]:
        return parse_group_roles(self.cleaned_data["group_roles"])

    def clean_metadata_xml(self) -> str:
        xml: str = self.cleaned_data["metadata_xml"].strip()
        if xml:
            try:
                idp = OneLogin_Saml2_IdPMetadataParser.parse(xml).get("idp", {})
            except Exception:  # any parse failure means: this is not metadata
                idp = {}
            if not idp.get("entityId") or not idp.get("singleSignOnService"):
                raise forms.ValidationError(
                    _("This is not an identity provider's SAML metadata: paste the whole XML.")
                )
        return xml

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if not cleaned.get("client_secret"):
            cleaned["client_secret"] = self.saved_secret
            self.instance.client_secret = self.saved_secret
        protocol = cleaned.get("protocol")
        if protocol == SignOn.Protocol.OIDC:
            for field in ("discovery_url", "client_id", "client_secret"):
                if not cleaned.get(field):
                    self.add_error(field, _("OpenID Connect needs this."))
        elif protocol == SignOn.Protocol.SAML and not (
            cleaned.get("metadata_url") or cleaned.get("metadata_xml")
        ):
            self.add_error(
                "metadata_url", _("Give the metadata's address, or paste its XML below.")
            )
        if cleaned.get("required") and not cleaned.get("enabled"):
            self.add_error("required", _("Enable single sign-on before requiring it."))
        return cleaned


class EmailForm(forms.Form):
    """Sign-in's first step: the address decides where the second is."""

    email = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "username webauthn", "autofocus": True}),
    )


class ScimTokenForm(forms.ModelForm[ScimToken]):
    class Meta:
        model = ScimToken
        fields = ["name"]


class LoginForm(AllauthLoginForm):
    """No password is even checked where the organisation requires its own sign-in: a refusal
    only after a right password would tell which passwords are right."""

    def clean(self) -> dict[str, Any]:
        login = str(self.data.get("login", "")).strip()
        operator = User.objects.filter(email__iexact=login, is_staff=True).exists()
        refused = None if operator else get_adapter().password_refused(login)
        if refused:
            raise forms.ValidationError(refused)
        cleaned: dict[str, Any] = super().clean()
        return cleaned


class ResetPasswordForm(AllauthResetPasswordForm):
    """No password to reset where the organisation requires its own sign-in (an operator's
    way back in is `manage.py changepassword`)."""

    def clean_email(self) -> str:
        email: str = super().clean_email()
        refused = get_adapter().password_refused(email)
        if refused:
            raise forms.ValidationError(refused)
        return email
