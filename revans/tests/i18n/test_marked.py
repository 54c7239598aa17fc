"""Every string a person reads goes through gettext: a test fails on one that does not.

Two scans, each of what its tool sees best:

- Templates: Django's own Lexer splits each template into text and tags. Every tag and variable
  (a `{% translate %}`, a `{% blocktranslate %}` with its body, `{{ value }}`) becomes a blank,
  and what is left is read by Python's HTML parser: any letter still in a text node, or in an
  attribute people read (title, alt, placeholder, aria-label, a button's value), was written in
  English outside gettext. A plain-text email template is read whole. Brand and code words that
  are the same in every language are listed in `SAME_IN_EVERY_LANGUAGE`.
- Python: the syntax tree of every module of the apps. The arguments people read (a form
  field's label and help text, a model field's verbose name, a message, a ValidationError, a
  choice's label) must be gettext calls, never bare string literals. The REST API's and SCIM's
  answers are for programs and stay in English.

The catalogue's side (every msgid extracted from these sources is translated, and the committed
catalogue is up to date with them) is `test_catalogue.py`.
"""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

APP = Path(__file__).resolve().parents[2]
TEMPLATES = APP / "templates"

# Words that are not translated: the product's name, formats and protocols people know by name.
SAME_IN_EVERY_LANGUAGE = {
    "Revans", "CSV", "PDF", "API", "SCIM", "SAML", "OIDC", "URL", "ID", "JSON", "ROI", "TXT",
    "Slack", "Teams", "OpenID", "Connect", "SSO", "iCalendar", "ICS", "k", "Webhook", "HTTPS",
    "Entity", "Microsoft", "QR",
}  # fmt: skip
READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "summary"}
LETTERS = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
BLANK = "\x00"


def _untagged(source: str) -> str:
    """The template with every tag, variable and comment blanked, and the bodies of
    blocktranslate and comment blocks too."""
    out: list[str] = []
    skipping = ""
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split(" ", 1)[0]
            if skipping:
                if name == f"end{skipping}":
                    skipping = ""
                elif skipping == "blocktranslate" and name == "plural":
                    pass
            elif name in ("blocktranslate", "blocktrans", "comment", "verbatim"):
                skipping = "blocktranslate" if name == "blocktrans" else name
            out.append(BLANK)
        elif token.token_type == TokenType.TEXT and not skipping:
            out.append(token.contents)
        else:
            out.append(BLANK)
    return "".join(out)


def _words(text: str) -> list[str]:
    return [w for w in LETTERS.findall(text) if w not in SAME_IN_EVERY_LANGUAGE]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        kind = dict(attrs).get("type")
        for name, value in attrs:
            read = name in READ_ATTRIBUTES or (
                name == "value" and tag == "input" and kind in ("submit", "button")
            )
            if read and value and _words(value):
                self.found.append(f'{name}="{value.strip()}"')

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and _words(data):
            self.found.append(" ".join(data.split()).replace(BLANK, "…"))


def untranslated_in_template(source: str, *, html: bool) -> list[str]:
    text = _untagged(source)
    if not html:
        return [
            " ".join(line.split()).replace(BLANK, "…") for line in text.splitlines() if _words(line)
        ]
    reader = _Reader()
    reader.feed(text)
    reader.close()
    return reader.found


def test_every_template_text_is_marked_for_translation():
    found = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix not in (".html", ".txt", ".ics"):
            continue
        html = path.suffix == ".html"
        for text in untranslated_in_template(path.read_text(), html=html):
            found.append(f"{path.relative_to(TEMPLATES)}: {text}")
    assert not found, "Text outside {% translate %}:\n" + "\n".join(found)


# Python: the calls whose string arguments people read ----------------------------------------

GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy",
           "format_lazy", "mark_safe"}  # fmt: skip
READ_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label",
                 "message", "title", "detail_text"}  # fmt: skip
# Calls whose first argument is read: a message, an error, a model field's verbose name.
READ_FIRST = {"success", "error", "warning", "info", "debug", "ValidationError", "Conflict",
              "PermissionDenied", "HttpResponseBadRequest", "HttpResponseForbidden"}  # fmt: skip
# The REST API and SCIM answer programs, in English as their documentation is; the domain
# imports no Django (its callers word what people read); tests are not shipped.
NOT_READ_BY_PEOPLE = {"api", "domain", "tests"}
FIELDS = re.compile(r"^[A-Z][A-Za-z]*Field$")
LOGGERS = {"logger", "logging", "log"}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _bare(node: ast.expr | None) -> bool:
    """A string literal with words in it (or an f-string), not a gettext call."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return (bool(_words(node.value)) and " " in node.value.strip()) or node.value[:1].isupper()
    return isinstance(node, ast.JoinedStr)


def untranslated_in_python(source: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name in GETTEXT:
                continue
            # logger.warning(...) is for the operator's log, not people: left in English.
            logged = isinstance(node.func, ast.Attribute) and _name(node.func.value) in LOGGERS
            read_first = not logged and (name in READ_FIRST or FIELDS.match(name))
            if read_first and node.args and _bare(node.args[0]):
                found.append((node.lineno, ast.unparse(node.args[0])))
            for keyword in node.keywords:
                if keyword.arg in READ_KEYWORDS and _bare(keyword.value):
                    found.append((node.lineno, ast.unparse(keyword.value)))
        elif isinstance(node, ast.ClassDef) and any(
            _name(base) in ("TextChoices", "IntegerChoices", "Choices") for base in node.bases
        ):
            for item in node.body:
                value = item.value if isinstance(item, ast.Assign) else None
                if isinstance(value, ast.Tuple) and value.elts and _bare(value.elts[-1]):
                    found.append((item.lineno, ast.unparse(value.elts[-1])))
    return found


def test_every_python_string_people_read_is_marked_for_translation():
    found = []
    for path in sorted(APP.rglob("*.py")):
        parts = path.relative_to(APP).parts
        if parts[0] in NOT_READ_BY_PEOPLE or "migrations" in parts:
            continue
        for line, text in untranslated_in_python(path.read_text()):
            found.append(f"{path.relative_to(APP)}:{line}: {text}")
    assert not found, "Strings people read, outside gettext:\n" + "\n".join(found)
