"""What the periodic sweep does for sign-on: forget SAML IDs long past any assertion's life."""

from datetime import datetime, timedelta

from .models import UsedAssertion

KEEP = timedelta(days=1)


def sweep(now: datetime) -> dict[str, int]:
    forgotten, _by_model = UsedAssertion.objects.filter(seen_at__lt=now - KEEP).delete()
    return {"saml ids forgotten": forgotten}
