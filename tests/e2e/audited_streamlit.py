"""Run Streamlit's CLI with every DNS lookup and outbound connection recorded and refused.

    python tests/e2e/audited_streamlit.py RECORD.jsonl run app.py --server.port 8501 ...

A Python audit hook (installed before Streamlit is imported) appends one JSON line per lookup
of a non-local name or connection to a non-loopback address to RECORD.jsonl and raises
``PermissionError`` instead (a UDP ``connect``, which sends nothing, is recorded and allowed:
Streamlit uses one to read the machine's own address for the Network URL). The launcher of
``tests/e2e/test_no_outbound.py`` (``harness.server --launcher``).
"""

import ipaddress
import json
import socket
import sys

record = open(sys.argv[1], "a", buffering=1)


def local(host):
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode()
    host = str(host).strip("[]")
    if host in ("", "localhost", "localhost.localdomain"):
        return True
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False  # a name that needs a resolver
    return ip.is_loopback or ip.is_unspecified


def hook(event, args):
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex"):
        if not local(args[0]):
            record.write(json.dumps({"event": event, "host": str(args[0])}) + "\n")
            raise PermissionError(f"blocked by the test: DNS lookup of {args[0]}")
    elif event in ("socket.connect", "socket.sendto"):
        sock, address = args[0], args[-1]
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not local(address[0]):
            udp = sock.type == socket.SOCK_DGRAM
            record.write(json.dumps({"event": event, "host": str(address[0]),
                                     "udp": udp}) + "\n")
            # A UDP connect sends no packet (Streamlit uses one to read the machine's own
            # address for the Network URL); anything else is an outbound request.
            if not (udp and event == "socket.connect"):
                raise PermissionError(f"blocked by the test: {event} to {address}")


sys.addaudithook(hook)
sys.argv = ["streamlit", *sys.argv[2:]]
from streamlit.web.cli import main  # noqa: E402 - after the hook, so it sees every import

main()
