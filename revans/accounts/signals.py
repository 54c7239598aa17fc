"""What accounts tells the apps above it, which it must not import."""

from django.dispatch import Signal

# Sent inside the transaction that makes `user` a member of `organisation` (an accepted
# invitation, or a verified self-sign-up), so apps can link their records to the account.
membership_joined = Signal()
