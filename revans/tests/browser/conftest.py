"""Browser tests: Debian's Chromium driven by Playwright, with axe-core and a CSP listener.

Every page that loads must be audited (`audited_page.audit()`) before the next one loads;
a page that slips through fails the test at teardown.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[3]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(", ")})`
  );
}"""

CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = os.environ.get("REVANS_CHROMIUM") or shutil.which("chromium")
    assert executable, "Chromium is missing: apt-get install chromium"
    assert AXE.exists(), "axe-core is missing: npm ci"
    # Playwright's sync API runs an event loop in the test's thread; the ORM calls made by the
    # test itself (reading the outbox, building fixtures) are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


class AuditedPage:
    """A page whose every load is checked for accessibility and CSP violations."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.unaudited: list[str] = []
        self.missed: list[str] = []
        self.audited: list[str] = []
        self.console_csp: list[str] = []
        self.elsewhere: set[str] = set()  # other sites' origins (identity providers)
        page.on("load", self._loaded)
        page.on("console", self._console)

    def _loaded(self, page: Page) -> None:
        self.missed.extend(self.unaudited)
        self.unaudited = [] if page.url.startswith(tuple(self.elsewhere)) else [page.url]

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.console_csp.append(f"{self.page.url}: {message.text}")

    def audit(self) -> None:
        page = self.page
        page.wait_for_load_state("load")
        violations = page.evaluate(AXE_RUN, WCAG_TAGS)
        assert violations == [], f"{page.url}: {violations}"
        csp = page.evaluate("window.__cspViolations")
        assert csp == [], f"{page.url}: {csp}"
        assert self.console_csp == [], self.console_csp
        self.audited.append(page.url)
        self.unaudited = []

    def away(self, origin: str) -> None:
        """The browser is at another site (an identity provider): its pages, now and later, are
        not ours to audit, and do not count as pages that slipped through."""
        self.page.wait_for_load_state("load")
        assert self.page.url.startswith(origin), f"expected {origin}, at {self.page.url}"
        self.elsewhere.add(origin)
        self.unaudited = []
        self.console_csp = []

    def finish(self) -> None:
        assert not self.missed, f"pages loaded but never audited: {self.missed}"
        if self.unaudited:
            self.audit()


@pytest.fixture
def new_page(browser: Browser, live_server):
    """Open a fresh, audited browser session (its own cookies) on the live server."""
    opened: list[AuditedPage] = []

    def open_page() -> AuditedPage:
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(15_000)
        context.add_init_script(path=str(AXE))
        context.add_init_script(script=CSP_LISTENER)
        audited = AuditedPage(context.new_page())
        opened.append(audited)
        return audited

    yield open_page
    for audited in opened:
        audited.finish()
        audited.page.context.close()
