import threading
import unittest

from edgelb_octavia import status_writer

X = 'aaaaaaaa-0000-0000-0000-0000000000aa'
Y = 'aaaaaaaa-0000-0000-0000-0000000000bb'


class SlowLibrary:
    """Stands in for octavia-lib's DriverLibrary: the first call waits until released."""

    def __init__(self):
        self.calls = []
        self.release_first = threading.Event()
        self.first_started = threading.Event()
        self.in_call = set()
        self.overlap = []
        self._lock = threading.Lock()

    def update_loadbalancer_status(self, status):
        ids = {o['id'] for items in status.values() for o in items}
        with self._lock:
            self.overlap += sorted(ids & self.in_call)
            self.in_call |= ids
            first = not self.calls
            self.calls.append(status)
        if first:
            self.first_started.set()
            self.release_first.wait(10)
        with self._lock:
            self.in_call -= ids


def lb(lb_id, prov):
    return {'loadbalancers': [{'id': lb_id, 'provisioning_status': prov}]}


class StatusWriterTest(unittest.TestCase):

    def setUp(self):
        self.lib = SlowLibrary()
        self.writer = status_writer.StatusWriter(self.lib).start()
        self.addCleanup(self.writer.stop)
        self.addCleanup(self.lib.release_first.set)

    def test_a_slow_call_does_not_hold_up_other_objects_nor_reorder_its_own(self):
        self.writer.accept([(lb(X, 'PENDING_UPDATE'), 1)])
        self.assertTrue(self.lib.first_started.wait(5))
        self.writer.accept([(lb(X, 'ACTIVE'), 2), (lb(Y, 'ACTIVE'), 2)])
        # Y goes out while X's first call still runs; X's newer status waits for it.
        done = threading.Event()
        waiter = threading.Thread(target=lambda: (self.writer.drain(0.5), done.set()))
        waiter.start()
        waiter.join(5)
        self.assertEqual([X], [o['id'] for o in self.lib.calls[0]['loadbalancers']])
        self.assertEqual(2, len(self.lib.calls), self.lib.calls)
        self.assertEqual([Y], [o['id'] for o in self.lib.calls[1]['loadbalancers']])
        self.lib.release_first.set()
        self.assertTrue(self.writer.drain())
        self.assertEqual(3, len(self.lib.calls))
        self.assertEqual({'id': X, 'provisioning_status': 'ACTIVE'}, self.lib.calls[2]['loadbalancers'][0])
        self.assertEqual([], self.lib.overlap, 'an object was in two calls at once')

    def test_an_older_status_than_written_or_queued_is_dropped(self):
        self.lib.release_first.set()
        self.writer.accept([(lb(X, 'ERROR'), 5)])
        self.writer.accept([(lb(X, 'ACTIVE'), 4)])
        self.assertTrue(self.writer.drain())
        self.assertEqual(['ERROR'], [c['loadbalancers'][0]['provisioning_status'] for c in self.lib.calls])
        self.writer.accept([(lb(X, 'ACTIVE'), 3)])
        self.assertTrue(self.writer.drain())
        self.assertEqual(1, len(self.lib.calls))
