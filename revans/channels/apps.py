from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "revans.channels"
    verbose_name = "Chat channels (Slack, Microsoft Teams)"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
