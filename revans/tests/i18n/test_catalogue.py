"""The committed French catalogue is complete and up to date with the sources.

The messages are extracted afresh, as `make messages` does (Django's makemessages: its template
lexer and xgettext), from a copy of the sources into a temporary directory, so the committed
catalogue is never touched. Then GNU gettext's own tools compare: `msgcmp` fails when a message
of the sources has no French translation, or only a fuzzy one, in the committed catalogue, and
when the catalogue holds a message the sources no longer have; `msgfmt --check` fails on a
translation whose placeholders differ from its message's. Together with `test_marked.py`
(nothing people read bypasses gettext), a string people read in English only fails the suite.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2]
ROOT = APP.parent
LANGUAGES = ["fr"]
SETTINGS = "from revans.settings import *  # noqa: F403\nLOCALE_PATHS = [{locale!r}]\n"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh catalogue of the sources' messages; the path of its locale directory."""
    tmp = tmp_path_factory.mktemp("messages")
    sources = tmp / "revans"
    shutil.copytree(
        APP, sources, ignore=shutil.ignore_patterns("locale", "tests", "__pycache__", "static")
    )
    locale = tmp / "locale"
    locale.mkdir()
    (tmp / "extract_settings.py").write_text(SETTINGS.format(locale=str(locale)))
    env = {"DJANGO_SETTINGS_MODULE": "extract_settings", "PYTHONPATH": f"{tmp}:{ROOT}"}
    for language in LANGUAGES:
        subprocess.run(
            [sys.executable, "-m", "django", "makemessages", "-l", language, "--no-location"],
            cwd=sources,
            env={"PATH": "/usr/bin:/bin", **env},
            check=True,
            capture_output=True,
        )
    return locale


def _catalogue(locale: Path, language: str) -> Path:
    return locale / language / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_of_the_sources_is_translated(extracted: Path, language: str):
    committed, fresh = _catalogue(APP / "locale", language), _catalogue(extracted, language)
    compared = subprocess.run(
        ["msgcmp", str(committed), str(fresh)], capture_output=True, text=True, check=False
    )
    assert compared.returncode == 0, "Untranslated or fuzzy:\n" + compared.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_holds_no_message_the_sources_lost(extracted: Path, language: str):
    committed, fresh = _catalogue(APP / "locale", language), _catalogue(extracted, language)
    compared = subprocess.run(
        ["msgcmp", "--use-untranslated", str(fresh), str(committed)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert compared.returncode == 0, "No longer in the sources (make messages):\n" + (
        compared.stderr
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_keeps_its_placeholders(language: str, tmp_path: Path):
    checked = subprocess.run(
        [
            "msgfmt",
            "--check",
            "-o",
            str(tmp_path / "django.mo"),
            str(_catalogue(APP / "locale", language)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
