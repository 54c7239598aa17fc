"""What the cycle tells the apps above it, which it must not import."""

from django.dispatch import Signal

# Sent inside the transaction that marks an action as fallen due (its day has come where its
# organisation is, done or not), once per action, with `action_id`, `set_id` and
# `organisation_id`: ids only, never its words nor its state.
action_fell_due = Signal()
