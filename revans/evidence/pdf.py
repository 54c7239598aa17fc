"""The board's PDF, set by WeasyPrint from the dashboard's figures. WeasyPrint fetches nothing
but the app's own static files and this report's own charts: no `file:` path, no other host, no
redirect (its default fetcher would read local files and follow any address in the HTML)."""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from revans.domain.roi import PRINCIPLES

from .dashboard import Dashboard

STATIC, CHART = "revans-static:", "revans-chart:"


class OwnFilesOnly(URLFetcher):
    """Serves `revans-static:<path>` from the app's static files and `revans-chart:<name>` from
    the charts drawn for this report; refuses every other address."""

    def __init__(self, drawn: dict[str, bytes]) -> None:
        super().__init__(allowed_protocols=["revans-static", "revans-chart"], allow_redirects=False)
        self.drawn = drawn

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        if url.startswith(CHART) and url[len(CHART) :] in self.drawn:
            body = self.drawn[url[len(CHART) :]]
            return URLFetcherResponse(url, body, {"Content-Type": "image/svg+xml"})
        if url.startswith(STATIC):
            path = url[len(STATIC) :]
            found = None if ".." in path or path.startswith("/") else finders.find(path)
            if isinstance(found, str):
                with open(found, "rb") as file:
                    body = file.read()
                kind = "text/css" if path.endswith(".css") else "application/octet-stream"
                return URLFetcherResponse(url, body, {"Content-Type": kind})
        raise ValueError(f"Refused: the report fetches only its own files, not {url[:100]}")


def html(found: Dashboard) -> str:
    return render_to_string(
        "evidence/board_report.html",
        {
            "programme": found.programme,
            "dash": found,
            "roi": found.roi,
            "principles": PRINCIPLES,
            "now": timezone.now(),
            "pdf": True,
        },
    )


def render(found: Dashboard, drawn: dict[str, bytes]) -> bytes:
    pdf: bytes = HTML(string=html(found), url_fetcher=OwnFilesOnly(drawn)).write_pdf()
    return pdf
