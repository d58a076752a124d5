"""Writes object statuses into Octavia through the driver agent, a few calls at a time.

Octavia's driver agent forks a process and opens a database session for every status call
(0.7-1.8 s each on a 2-core machine while Octavia is busy). Written one call after another, a
status that arrives while a call runs waits for it, then for its own. Here up to WRITERS calls
run at once, each carrying everything that is queued and not already in a call; an object is
never in two calls at once, so its statuses reach Octavia in as_of order.

Threading: the relay's thread calls accept(); the writer threads take work. pending, busy, the
as_of map and the failure reason are guarded by one Condition, self._lock.
"""
import logging
import threading
import time

from octavia_lib.common import constants

LOG = logging.getLogger(__name__)

WRITERS = 3
BATCH_OBJECTS = 1000     # objects per update_loadbalancer_status call
RETRY_SECONDS = 1.0      # after a failed call (driver agent down), before the next try
MAX_TRACKED = 100000     # as_of entries; the oldest are forgotten first


class StatusWriter:

    def __init__(self, driver_library, writers=WRITERS):
        self._lib = driver_library
        self._lock = threading.Condition()
        self._pending = {}   # (kind, id) -> (object, as_of), the newest not yet written
        self._busy = {}      # (kind, id) in a call now -> its as_of
        self._as_of = {}     # (kind, id) -> newest as_of written
        self._failing = None
        self._resume_at = 0.0  # time.monotonic() before which no call is tried (after a failure)
        self._stopped = False
        self._threads = [threading.Thread(target=self._loop, name='edgelb-status-writer-%d' % n,
                                          daemon=True) for n in range(writers)]

    def start(self):
        for thread in self._threads:
            thread.start()
        return self

    def stop(self):
        with self._lock:
            self._stopped = True
            self._lock.notify_all()
        for thread in self._threads:
            if thread.is_alive():
                thread.join(10)

    def accept(self, entries):
        """Queues [(status dict, as_of)], one per load balancer, dropping objects older than
        what was written or queued for them already (another hub's older view)."""
        with self._lock:
            for status, as_of in entries:
                for kind, items in status.items():
                    for obj in items:
                        key = (kind, obj['id'])
                        queued = self._pending.get(key)
                        newest = max(self._as_of.get(key, -1), self._busy.get(key, -1),
                                     queued[1] if queued else -1)
                        if as_of >= newest:
                            self._pending[key] = (obj, as_of)
            self._lock.notify_all()

    def drain(self, timeout=10.0):
        """Waits until everything queued is written (or failed and re-queued); for tests."""
        with self._lock:
            return self._lock.wait_for(lambda: not self._pending and not self._busy, timeout)

    def tracked(self):
        with self._lock:
            return len(self._as_of)

    def _take(self):
        """Under the lock: up to BATCH_OBJECTS pending objects not in a call now."""
        batch = []
        for key in list(self._pending):
            if key not in self._busy:
                obj, as_of = self._pending.pop(key)
                batch.append((key, obj, as_of))
                self._busy[key] = as_of
                if len(batch) >= BATCH_OBJECTS:
                    break
        return batch

    def _loop(self):
        while True:
            with self._lock:
                batch = []
                while not self._stopped and not batch:
                    backoff = self._resume_at - time.monotonic()
                    if backoff > 0:
                        self._lock.wait(backoff)
                        continue
                    batch = self._take()
                    if not batch:
                        self._lock.wait()
                if self._stopped:
                    self._release(batch, failed=True)
                    return
            status = {}
            for (kind, _), obj, _ in batch:
                status.setdefault(kind, []).append(obj)
            try:
                self._lib.update_loadbalancer_status(status)
            except Exception as e:  # driver agent down or refusing: keep them, try again
                why = '{} {}'.format(type(e).__name__, getattr(e, 'fault_string', None) or e)
                with self._lock:
                    self._release(batch, failed=True)
                    if self._failing != why:
                        LOG.warning('edgelb: statuses not written to Octavia: %s (retried)', why)
                    self._failing = why
                    self._resume_at = time.monotonic() + RETRY_SECONDS
                    self._lock.notify_all()
                continue
            with self._lock:
                self._release(batch, failed=False)
                if self._failing is not None:
                    LOG.info('edgelb: statuses are written to Octavia again')
                    self._failing = None
                self._lock.notify_all()

    def _release(self, batch, failed):
        """Under the lock: the batch's objects leave busy; written ones are remembered, failed
        ones go back to pending unless a newer status came meanwhile."""
        for key, obj, as_of in batch:
            self._busy.pop(key, None)
            if failed:
                queued = self._pending.get(key)
                if queued is None or queued[1] < as_of:
                    self._pending[key] = (obj, as_of)
            elif obj.get(constants.PROVISIONING_STATUS) == constants.DELETED:
                self._as_of.pop(key, None)
            else:
                self._as_of[key] = as_of
        if len(self._as_of) > MAX_TRACKED:
            for key, _ in sorted(self._as_of.items(), key=lambda kv: kv[1])[
                    :len(self._as_of) - MAX_TRACKED]:
                del self._as_of[key]
