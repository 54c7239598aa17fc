"""What formation tells the apps above it, which it must not import."""

from django.dispatch import Signal

# Sent inside the transaction that accepts `run`'s proposal and makes `sets` of it (the page's
# accept, or the API's), so the organisation's webhooks can be told.
formation_accepted = Signal()
