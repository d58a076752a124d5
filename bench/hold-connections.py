#!/usr/bin/env python3
"""hold-connections.py HOST PORT COUNT SECONDS: open COUNT TCP connections to HOST:PORT, send
nothing, keep them for at most SECONDS (or until terminated), then close them all. For
relay.sh's memory per relayed connection; loopback only."""
import selectors
import signal
import socket
import sys
import time


def main():
    host, port, count, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    if not host.startswith("127."):
        sys.exit("hold-connections.py: loopback addresses only")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sockets, sel = [], selectors.DefaultSelector()
    deadline = time.monotonic() + seconds
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex((host, port))
            sockets.append(s)
            sel.register(s, selectors.EVENT_READ)
        print(f"opened {len(sockets)}", flush=True)
        # Only wait: a relay closing a connection (a time-out) shows as readable; we drop it.
        while time.monotonic() < deadline and sockets:
            for key, _ in sel.select(timeout=min(1.0, max(0.0, deadline - time.monotonic()))):
                sel.unregister(key.fileobj)
                key.fileobj.close()
                sockets.remove(key.fileobj)
    finally:
        for s in sockets:
            s.close()


if __name__ == "__main__":
    main()
