"""What the periodic sweep does for the API: send the webhook deliveries that are due again."""

from .webhooks import sweep

__all__ = ["sweep"]
