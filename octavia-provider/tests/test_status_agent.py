import os
import threading
import unittest

from oslo_config import cfg

from edgelb_octavia import status_agent
from tests import standins
from tests import support

LB = 'aaaaaaaa-0000-0000-0000-000000000001'
M1 = 'bbbbbbbb-0000-0000-0000-000000000001'
LI = 'cccccccc-0000-0000-0000-000000000001'


def answer(instance='i1', cursor=1, lbs=(), listeners=()):
    return {'hub_instance': instance, 'cursor': cursor, 'loadbalancers': list(lbs),
            'statistics': {'listeners': list(listeners)}}


def lb_entry(as_of, member_status='ONLINE', lb_prov='ACTIVE'):
    return {'id': LB, 'as_of': as_of, 'status': {
        'loadbalancers': [{'id': LB, 'provisioning_status': lb_prov, 'operating_status': 'ONLINE'}],
        'members': [{'id': M1, 'operating_status': member_status}]}}


class StatusAgentTest(unittest.TestCase):

    def setUp(self):
        self.hubs = [standins.Hub(), standins.Hub()]
        for hub in self.hubs:
            self.addCleanup(hub.close)
        self.sockets = standins.DriverAgentSockets()
        self.addCleanup(self.sockets.close)
        self.conf, token = support.make_conf([h.url for h in self.hubs])
        self.addCleanup(os.unlink, token)
        self.conf.register_opts([cfg.StrOpt('status_socket_path'), cfg.StrOpt('stats_socket_path'),
                                 cfg.StrOpt('get_socket_path')], group='driver_agent')
        for name in ('status', 'stats', 'get'):
            self.conf.set_override(name + '_socket_path', self.sockets.paths[name], group='driver_agent')
        self.relay = status_agent.StatusRelay(self.conf, status_agent.make_driver_library(self.conf))

    def test_forwards_status_and_statistics_through_driver_sockets(self):
        stats = {'id': LI, 'bytes_in': 10, 'bytes_out': 20, 'active_connections': 1,
                 'total_connections': 3, 'request_errors': 1}
        self.hubs[0].answers = [answer(lbs=[lb_entry(100)], listeners=[stats])]
        self.hubs[1].answers = [answer()]
        self.relay.poll_all()
        self.assertEqual([lb_entry(100)['status']], self.sockets.got('status'))
        self.assertEqual([{'listeners': [stats]}], self.sockets.got('stats'))

    def test_cursor_passed_back_and_reset_for_new_instance(self):
        self.hubs[0].answers = [answer('i1', 7), answer('i1', 9), answer('i2', 3), answer('i2', 4)]
        self.hubs[1].answers = [answer()]
        for _ in range(3):
            self.relay.poll_all()
        self.assertEqual(['/api/octavia/status?since=0', '/api/octavia/status?since=7',
                          '/api/octavia/status?since=9', '/api/octavia/status?since=0'],
                         self.hubs[0].gets)
        self.relay.poll_all()
        self.assertEqual('/api/octavia/status?since=4', self.hubs[0].gets[-1])

    def test_older_as_of_from_another_hub_dropped(self):
        self.hubs[0].answers = [answer(lbs=[lb_entry(200, 'ERROR')])]
        self.hubs[1].answers = [answer(lbs=[lb_entry(150, 'ONLINE')])]
        self.relay.poll_all()
        self.assertEqual([lb_entry(200, 'ERROR')['status']], self.sockets.got('status'))
        self.hubs[1].answers = [answer(cursor=2, lbs=[lb_entry(250, 'ONLINE')])]
        self.relay.poll_all()
        self.assertEqual(lb_entry(250, 'ONLINE')['status'], self.sockets.got('status')[-1])

    def test_deleted_objects_forgotten(self):
        self.hubs[0].answers = [answer(lbs=[lb_entry(100)])]
        self.hubs[1].answers = [answer()]
        self.relay.poll_all()
        self.assertEqual(2, self.relay.tracked())
        gone = {'id': LB, 'as_of': 300, 'status': {'loadbalancers': [
            {'id': LB, 'provisioning_status': 'DELETED'}], 'members': [
            {'id': M1, 'provisioning_status': 'DELETED'}]}}
        self.hubs[0].answers = [answer(cursor=2, lbs=[gone])]
        self.relay.poll_all()
        self.assertEqual(0, self.relay.tracked())

    def test_hostile_answers_rejected_naming_the_field(self):
        good = lb_entry(1)
        cases = {
            'loadbalancers[0].id': answer(lbs=[dict(good, id='x; DROP')]),
            'loadbalancers[0].as_of': answer(lbs=[dict(good, as_of='soon')]),
            'cursor': {'hub_instance': 'i1', 'cursor': -1},
            'hub_instance': {'cursor': 1},
            'status.members[0].operating_status': answer(lbs=[lb_entry(1, 'ON FIRE')]),
            'status.pools is not a list': answer(lbs=[dict(good, status={'pools': {}})]),
            'status.l7policies': answer(lbs=[dict(good, status={'l7policies': []})]),
            'statistics.listeners[0].bytes_in': answer(listeners=[{'id': LI, 'bytes_in': 1.5}]),
            'not JSON': b'{"cursor":',
            'larger than': b' ' * (status_agent.MAX_ANSWER_BYTES + 10),
        }
        for field, body in cases.items():
            with self.subTest(field):
                self.hubs[0].answers = [body]
                with self.assertLogs('edgelb_octavia.status_agent', 'WARNING') as logs:
                    self.relay.poll_all()
                self.assertIn(field, '\n'.join(logs.output))
        self.assertEqual([], self.sockets.got('status'))
        self.assertEqual([], self.sockets.got('stats'))

    def test_hub_down_and_driver_agent_error_retried_next_tick(self):
        self.hubs[1].close()
        self.hubs[0].answers = [answer(cursor=5, lbs=[lb_entry(1)])]
        os.rename(self.sockets.paths['status'], self.sockets.paths['status'] + '.away')
        with self.assertLogs('edgelb_octavia.status_agent', 'WARNING'):
            self.relay.poll_all()
        self.assertEqual(['/api/octavia/status?since=0'], self.hubs[0].gets)
        os.rename(self.sockets.paths['status'] + '.away', self.sockets.paths['status'])
        self.relay.poll_all()
        self.assertEqual('/api/octavia/status?since=0', self.hubs[0].gets[-1])
        self.assertEqual([lb_entry(1)['status']], self.sockets.got('status'))

    def test_many_load_balancers_go_in_one_driver_agent_call(self):
        # The driver agent forks per call: one per load balancer made a burst of creates wait.
        entries = []
        for n in range(3):
            lb = 'aaaaaaaa-0000-0000-0000-00000000001{}'.format(n)
            entries.append({'id': lb, 'as_of': 10 + n, 'status': {
                'loadbalancers': [{'id': lb, 'provisioning_status': 'ACTIVE'}]}})
        self.hubs[0].answers = [answer(lbs=entries)]
        self.hubs[1].answers = [answer()]
        self.relay.poll_all()
        calls = self.sockets.got('status')
        self.assertEqual(1, len(calls), calls)
        self.assertEqual(sorted(e['id'] for e in entries), sorted(o['id'] for o in calls[0]['loadbalancers']))
        self.assertEqual(3, self.relay.tracked())

    def test_a_hub_that_stays_down_is_logged_once_not_every_second(self):
        self.hubs[1].close()
        self.hubs[0].answers = [answer(), answer(), answer()]
        with self.assertLogs('edgelb_octavia.status_agent', 'DEBUG') as logs:
            for _ in range(3):
                self.relay.poll_all()
        warnings = [r for r in logs.records if r.levelname == 'WARNING']
        self.assertEqual(1, len(warnings), [r.getMessage() for r in warnings])
        self.assertIn(self.hubs[1].url, warnings[0].getMessage())

    def test_run_stops_on_exit_event(self):
        self.hubs[0].answers = [answer()]
        self.hubs[1].answers = [answer()]
        exit_event = threading.Event()
        worker = threading.Thread(target=status_agent.run,
                                  args=(exit_event, self.conf, self.relay._lib))
        worker.start()
        exit_event.set()
        worker.join(10)
        self.assertFalse(worker.is_alive())


if __name__ == '__main__':
    unittest.main()
