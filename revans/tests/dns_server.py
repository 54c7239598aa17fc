"""A real DNS server on 127.0.0.1 for the tests, built with dnspython: it answers TXT queries
from a dict the tests fill, and NXDOMAIN for every other name. The app resolves through it
(settings.DNS_NAMESERVERS), so domain proofs are checked over the wire, as in production."""

import socket
import threading

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset


class DNSServer:
    def __init__(self) -> None:
        self.txt: dict[str, list[str]] = {}  # "name." -> TXT strings
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def publish(self, name: str, value: str) -> None:
        self.txt.setdefault(name.rstrip(".").lower() + ".", []).append(value)

    def clear(self) -> None:
        self.txt.clear()

    def _serve(self) -> None:
        while True:
            try:
                wire, client = self._socket.recvfrom(4096)
            except OSError:
                return  # closed
            query = dns.message.from_wire(wire)
            response = dns.message.make_response(query)
            question = query.question[0]
            name = question.name.to_text().lower()
            values = self.txt.get(name)
            if values and question.rdtype == dns.rdatatype.TXT:
                quoted = ['"' + v.replace('"', '\\"') + '"' for v in values]
                response.answer.append(dns.rrset.from_text(name, 60, "IN", "TXT", *quoted))
            elif not values:
                response.set_rcode(dns.rcode.NXDOMAIN)
            self._socket.sendto(response.to_wire(), client)

    def close(self) -> None:
        self._socket.close()
