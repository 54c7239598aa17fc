"""What evidence tells the apps above it, which it must not import."""

from django.dispatch import Signal

# Sent inside the transaction that makes a board report ready (once: only the build that moved
# it there), with `report_id`, `programme_id` and `organisation_id`.
report_ready = Signal()
