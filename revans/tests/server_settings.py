"""The settings of an app server a test starts on a database of its own (`test_database_outage`):
production's, with static files named as they are, so no collectstatic run is needed first."""

from revans.settings import *  # noqa: F403
from revans.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
