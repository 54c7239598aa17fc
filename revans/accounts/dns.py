"""Look up the TXT records that prove a domain is an organisation's (dnspython)."""

import dns.exception
import dns.resolver
from django.conf import settings


class LookupFailed(Exception):
    """The lookup could not be made (timeout, no server answered): try again later."""


def txt_records(name: str) -> list[str]:
    """The TXT strings published at `name`; [] when there are none or the name does not exist."""
    resolver = dns.resolver.Resolver(configure=not settings.DNS_NAMESERVERS)
    if settings.DNS_NAMESERVERS:
        resolver.nameservers = [host for host, _port in settings.DNS_NAMESERVERS]
        resolver.port = settings.DNS_NAMESERVERS[0][1]
    resolver.lifetime = settings.DNS_TIMEOUT
    try:
        answer = resolver.resolve(name, "TXT", search=False)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except dns.exception.DNSException as error:
        raise LookupFailed(str(error)) from error
    return [b"".join(record.strings).decode(errors="replace") for record in answer]
