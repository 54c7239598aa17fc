"""What accounts tells the apps above it, which it must not import."""

from django.dispatch import Signal

# Sent inside the transaction that makes `user` a member of `organisation` (an accepted
# invitation, or a verified self-sign-up), so apps can link their records to the account.
membership_joined = Signal()

# Sent inside the transaction that takes the facilitator role from `membership` (or deactivates
# it), so the sets they facilitate end their facilitation: access ends with the role.
facilitator_role_ended = Signal()

# Sent inside the transaction that ends `membership` (deactivated by an admin or by the
# organisation's identity provider), so what acts as the person there (API tokens) ends too.
membership_ended = Signal()
