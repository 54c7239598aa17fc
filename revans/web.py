"""Small helpers every app's views share."""

from django.http import HttpRequest, QueryDict


def posted(request: HttpRequest) -> QueryDict | None:
    """Form data on POST, even when empty (an empty POST must still show its errors)."""
    return request.POST if request.method == "POST" else None
