from django import template
from django.http import HttpRequest

from revans.accounts.adapters import AccountAdapter

register = template.Library()


@register.simple_tag(takes_context=True)
def signup_is_open(context: template.Context) -> bool:
    request: HttpRequest = context["request"]
    return AccountAdapter(request).is_open_for_signup(request)
