"""A programme's or a set's chat channel: connect (a kind and an address), send a test message,
disconnect, and the latest messages with what the channel answered."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from revans.accounts.access import OrgRequest, org_view
from revans.web import perform, posted, save_form

from . import selectors, services
from .access import Scope, get_programme_scope, get_set_scope
from .forms import ChannelForm

FORM = ["GET", "POST"]


def _page(request: OrgRequest, scope: Scope) -> HttpResponse:
    form = ChannelForm(posted(request))
    channel = save_form(
        request,
        form,
        lambda: services.channel_connect(
            scope=scope,
            kind=form.cleaned_data["kind"],
            url=form.cleaned_data["url"],
            by=request.user,
        ),
    )
    if channel:
        messages.success(
            request,
            _(
                "Channel connected: meetings within reach are posted there now. Send a test "
                "message to see it."
            ),
        )
        return redirect(scope.page_url)
    page = selectors.channel_page(scope)
    return render(request, "channels/channel.html", {"scope": scope, "form": form, "page": page})


def _test(request: OrgRequest, scope: Scope) -> HttpResponse:
    perform(
        request,
        lambda: services.channel_test(scope=scope),
        _("Test message on its way: what the channel answered shows below in a moment."),
    )
    return redirect(scope.page_url)


def _disconnect(request: OrgRequest, scope: Scope) -> HttpResponse:
    perform(
        request,
        lambda: services.channel_disconnect(scope=scope),
        _("Channel disconnected: nothing more is posted there."),
    )
    return redirect(scope.page_url)


@org_view(set_id=get_set_scope)
@require_http_methods(FORM)
def set_channel(request: OrgRequest, scope: Scope) -> HttpResponse:
    return _page(request, scope)


@org_view(set_id=get_set_scope)
@require_POST
def set_channel_test(request: OrgRequest, scope: Scope) -> HttpResponse:
    return _test(request, scope)


@org_view(set_id=get_set_scope)
@require_POST
def set_channel_disconnect(request: OrgRequest, scope: Scope) -> HttpResponse:
    return _disconnect(request, scope)


@org_view(programme_id=get_programme_scope)
@require_http_methods(FORM)
def programme_channel(request: OrgRequest, scope: Scope) -> HttpResponse:
    return _page(request, scope)


@org_view(programme_id=get_programme_scope)
@require_POST
def programme_channel_test(request: OrgRequest, scope: Scope) -> HttpResponse:
    return _test(request, scope)


@org_view(programme_id=get_programme_scope)
@require_POST
def programme_channel_disconnect(request: OrgRequest, scope: Scope) -> HttpResponse:
    return _disconnect(request, scope)
