"""Small helpers every app's views share: a view hands a service to one of these and stays thin."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, QueryDict


def posted(request: HttpRequest) -> QueryDict | None:
    """Form data on POST, even when empty (an empty POST must still show its errors)."""
    return request.POST if request.method == "POST" else None


def save_form[T](request: HttpRequest, form: BaseForm, action: Callable[[], T]) -> T | None:
    """On POST, run the service for a valid form and return its result; a refusal by the service
    becomes the form's error. None means: show the form (again)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return action()
    except ValidationError as error:
        form.add_error(None, error)
        return None


def report(request: HttpRequest, action: Callable[[], object], done: str) -> bool:
    """Run the service behind a button; say what happened, or why it was refused."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, done)
    return True


def report_form(
    request: HttpRequest, form: BaseForm, action: Callable[[], object], done: str, invalid: str
) -> bool:
    """`report` for a small form behind a button: `invalid` says what the form lacks."""
    if not form.is_valid():
        messages.error(request, invalid)
        return False
    return report(request, action, done)
