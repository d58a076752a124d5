#!/usr/bin/python3
"""Octavia's own reference path, for scale next to bench/octavia.sh.

Creates N load balancers (default 20) one after another with the default provider (amphora;
the fixture's octavia-worker runs it with noop compute, network and amphora drivers), the same
tree as bench/octavia.sh, each timed from its own create call until Octavia lists it ACTIVE (one
list call per 0.1 s), then deletes them. Needs tests/octavia/octavia-up.sh; no hub or agent.
Usage: N=20 /usr/bin/python3 bench/octavia-reference.py
"""
import json
import os
import threading
import time
import urllib.request

N = int(os.environ.get("N", "20"))
URL = os.environ.get("OCTAVIA", "http://127.0.0.1:9876") + "/v2/lbaas/"
SUBNET = "8a49ad6d-a6b5-4e4b-9c12-1d3a1e1e0f01"   # any UUID: the noop network driver takes it


def call(method, path, body=None):
    req = urllib.request.Request(URL + path, data=json.dumps(body).encode() if body else None,
                                 method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        raw = r.read()
        return json.loads(raw) if raw else None


def tree(i):
    return {"loadbalancer": {
        "name": "reference-%d" % i, "project_id": "bench", "vip_subnet_id": SUBNET,
        "vip_address": "127.0.1.%d" % (10 + i),
        "listeners": [{"name": "l%d" % i, "protocol": "TCP", "protocol_port": 19300 + i,
                       "default_pool": {"name": "p%d" % i, "protocol": "TCP", "lb_algorithm": "ROUND_ROBIN",
                                        "healthmonitor": {"type": "TCP", "delay": 1, "timeout": 1,
                                                          "max_retries": 3, "max_retries_down": 3},
                                        "members": [{"address": "127.0.0.1", "protocol_port": 19400 + i}]}}]}}


def main():
    t0, done, ids, stop = {}, {}, [], threading.Event()

    def watch():
        while not stop.is_set():
            seen = time.time()
            for lb in call("GET", "loadbalancers?fields=id&fields=provisioning_status")["loadbalancers"]:
                if lb["id"] in t0 and lb["id"] not in done and lb["provisioning_status"] == "ACTIVE":
                    done[lb["id"]] = seen - t0[lb["id"]]
            stop.wait(0.1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for i in range(N):
            started = time.time()
            lb = call("POST", "loadbalancers", tree(i))["loadbalancer"]["id"]
            t0[lb] = started
            ids.append(lb)
        deadline = time.time() + 60
        while len(done) < len(ids) and time.time() < deadline:
            time.sleep(0.2)
    finally:
        stop.set()
        watcher.join()
        for lb in ids:
            try:
                call("DELETE", "loadbalancers/%s?cascade=true" % lb)
            except Exception as e:  # PENDING_* after a timeout: say so, go on
                print("could not delete %s: %s" % (lb, e))
    times = sorted(done.values())
    if not times:
        print("none became ACTIVE within 60 s")
        return
    print("amphora (noop drivers), %d LBs: p50 %.2f s  p99 %.2f s  (%d of %d ACTIVE)" % (
        N, times[len(times) // 2], times[min(len(times) - 1, (len(times) * 99 + 99) // 100 - 1)],
        len(times), N))


if __name__ == "__main__":
    main()
