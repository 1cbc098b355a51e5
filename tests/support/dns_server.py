"""A real DNS server for the tests: UDP on a loopback port, speaking the DNS protocol
(dnspython's wire format), answering TXT questions from a dict the test fills in.

It stands in for the world's DNS, which the tests cannot reach: the app asks it exactly
as it would ask any nameserver (``DNS_NAMESERVERS``). ``down()`` makes it ignore
questions, as an unreachable server would.
"""

import socket
import threading

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset


class DNSServer:
    def __init__(self):
        self.txt = {}  # name (no trailing dot, lowercase) -> [strings]
        self.answering = True
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.socket.getsockname()[1]}"
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                data, client = self.socket.recvfrom(4096)
            except OSError:  # closed
                return
            if self.answering:
                self.socket.sendto(self.answer(dns.message.from_wire(data)).to_wire(), client)

    def answer(self, query):
        response = dns.message.make_response(query)
        for question in query.question:
            name = question.name.to_text().rstrip(".").lower()
            values = self.txt.get(name)
            if question.rdtype == dns.rdatatype.TXT and values:
                quoted = [f'"{value}"' for value in values]
                response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "TXT", *quoted))
            elif name not in self.txt:
                response.set_rcode(dns.rcode.NXDOMAIN)
        return response

    def down(self):
        self.answering = False

    def close(self):
        self.socket.close()
