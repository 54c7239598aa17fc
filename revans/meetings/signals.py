"""What meetings tells the apps above it, which it must not import."""

from django.dispatch import Signal

# Sent inside the transaction that records who was at `meeting` (the meeting page's attendance
# form), so a live board above can show it.
attendance_recorded = Signal()
