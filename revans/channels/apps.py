from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "revans.channels"
    verbose_name = "Chat channels (Slack, Microsoft Teams)"

    def ready(self) -> None:
        from revans.accounts import outbox

        from . import deliveries, signals  # noqa: F401  (signals connects the receivers)

        outbox.register(deliveries.SENDER)
