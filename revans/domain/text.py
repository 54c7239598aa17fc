"""The words the domain gives people, in the reader's language.

The domain imports no Django, so it cannot translate by itself: the web side installs Django's
`gettext` here when it starts (`accounts.apps`), and `gettext` below asks it at the moment a
text is made, in the language then active (the reader's). Outside Django (a script, a pure
test) texts stay in English. `gettext_noop` only marks a constant for the catalogue, to be
translated where it is shown. xgettext (`make messages`) finds both by their names.
"""

from collections.abc import Callable
from datetime import date


def _as_is(message: str) -> str:
    return message


def _english_day(when: date) -> str:
    return f"{when:%d %B %Y}"


_translate: Callable[[str], str] = _as_is
_day: Callable[[date], str] = _english_day


def install(translate: Callable[[str], str], day: Callable[[date], str]) -> None:
    """Django's gettext, and a day written as the reader's language writes it ("08 March
    2027", "08 mars 2027")."""
    global _translate, _day
    _translate, _day = translate, day


def gettext(message: str) -> str:
    return _translate(message)


def day(when: date) -> str:
    return _day(when)


def gettext_noop(message: str) -> str:
    return message
