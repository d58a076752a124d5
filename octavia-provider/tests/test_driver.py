import os
import socket
import time
import unittest

from octavia_lib.api.drivers import data_models as dm
from octavia_lib.api.drivers import exceptions

from edgelb_octavia import driver
from tests import standins
from tests import support

LB = '11111111-1111-1111-1111-111111111111'
LI = '22222222-2222-2222-2222-222222222222'
PO = '33333333-3333-3333-3333-333333333333'
ME = '44444444-4444-4444-4444-444444444444'
HM = '55555555-5555-5555-5555-555555555555'
ZONE = {'agents': ['r1', 'r2']}


class DriverTest(unittest.TestCase):

    def setUp(self):
        self.hub = standins.Hub()
        self.addCleanup(self.hub.close)
        self.conf, token = support.make_conf([self.hub.url])
        self.addCleanup(os.unlink, token)
        self.driver = driver.EdgelbProviderDriver(self.conf)

    def refused(self, *names, call):
        with self.assertRaises(exceptions.UnsupportedOptionError) as e:
            call()
        for name in names:
            self.assertIn(name, e.exception.user_fault_string)
        self.assertEqual([], self.hub.posts, 'a refused change reached the hub')
        return e.exception.user_fault_string

    # Unsupported options, each named
    def test_listener_protocols_refused_by_name(self):
        for proto in ('TERMINATED_HTTPS', 'UDP', 'SCTP', 'PROMETHEUS'):
            msg = self.refused('listener protocol', proto, call=lambda: self.driver.listener_create(
                dm.Listener(listener_id=LI, loadbalancer_id=LB, protocol=proto, protocol_port=80)))
            self.assertEqual('edgelb does not support listener protocol {} yet'.format(proto), msg)

    def test_listener_tls_and_headers_refused_by_name(self):
        cases = {'default_tls_container_ref': 'ref', 'sni_container_refs': ['a'],
                 'client_ca_tls_container_ref': 'ca', 'tls_ciphers': 'ECDHE',
                 'tls_versions': ['TLSv1.2'], 'alpn_protocols': ['h2']}
        for field, value in cases.items():
            self.refused('listener ' + field, call=lambda: self.driver.listener_create(
                dm.Listener(listener_id=LI, protocol='TCP', protocol_port=80, **{field: value})))
        self.refused('client_authentication', 'MANDATORY', call=lambda: self.driver.listener_create(
            dm.Listener(listener_id=LI, protocol='HTTPS', client_authentication='MANDATORY')))

    def test_insert_headers_other_than_forwarded_refused_by_name(self):
        for name in ('X-SSL-Client-Verify', 'X-SSL-Client-DN', 'X-Real-IP', 'X-Forwarded-For\r\nX: y'):
            msg = self.refused('listener insert_headers', repr(name), 'only X-Forwarded-For',
                               call=lambda: self.driver.listener_create(dm.Listener(
                                   listener_id=LI, protocol='HTTP', protocol_port=80,
                                   insert_headers={'X-Forwarded-For': 'true', name: 'true'})))
            self.assertNotIn('\r\n', msg)
        self.refused("insert_headers X-Forwarded-Port 'yes'", 'only true or false', call=lambda:
                     self.driver.listener_create(dm.Listener(listener_id=LI, protocol='HTTP',
                                                             insert_headers={'X-Forwarded-Port': 'yes'})))
        self.refused('insert_headers that are not a dict', call=lambda: self.driver.listener_create(
            dm.Listener(listener_id=LI, protocol='HTTP', insert_headers=['X-Forwarded-For'])))
        self.refused('insert_headers with protocol TCP', 'HTTP listeners', call=lambda: self.driver.listener_create(
            dm.Listener(listener_id=LI, protocol='TCP', insert_headers={'X-Forwarded-For': 'true'})))
        self.refused('insert_headers with protocol HTTPS', call=lambda: self.driver.listener_update(
            dm.Listener(listener_id=LI), dm.Listener(protocol='HTTPS',
                                                     insert_headers={'X-Forwarded-Proto': True})))

    def test_http_listener_refuses_what_needs_tls_or_l7(self):
        self.refused('listener default_tls_container_ref', call=lambda: self.driver.listener_create(
            dm.Listener(listener_id=LI, protocol='HTTP', default_tls_container_ref='ref')))
        self.refused('listener l7policies', call=lambda: self.driver.listener_create(
            dm.Listener(listener_id=LI, protocol='HTTP', l7policies=[dm.L7Policy()])))
        self.refused('session_persistence type APP_COOKIE', call=lambda: self.driver.listener_create(
            dm.Listener(listener_id=LI, protocol='HTTP', default_pool=dm.Pool(
                pool_id=PO, protocol='HTTP', session_persistence={'type': 'APP_COOKIE', 'cookie_name': 'c'}))))

    def test_l7_refused(self):
        self.refused('L7 policies', call=lambda: self.driver.l7policy_create(dm.L7Policy()))
        self.refused('L7 rules', call=lambda: self.driver.l7rule_create(dm.L7Rule()))

    def test_pool_options_refused_by_name(self):
        for kind in ('APP_COOKIE', 'HTTP_COOKIE'):
            self.refused('session_persistence', kind, call=lambda: self.driver.pool_create(
                dm.Pool(pool_id=PO, protocol='TCP', lb_algorithm='ROUND_ROBIN',
                        session_persistence={'type': kind, 'cookie_name': 'c'})))
        self.refused('pool protocol UDP', call=lambda: self.driver.pool_create(
            dm.Pool(pool_id=PO, protocol='UDP')))
        self.refused('pool tls_enabled', call=lambda: self.driver.pool_create(
            dm.Pool(pool_id=PO, protocol='TCP', tls_enabled=True)))
        for field in ('tls_container_ref', 'ca_tls_container_ref', 'crl_container_ref'):
            self.refused('pool ' + field, call=lambda: self.driver.pool_create(
                dm.Pool(pool_id=PO, protocol='TCP', **{field: 'ref'})))
        self.refused('pool alpn_protocols', call=lambda: self.driver.pool_update(
            dm.Pool(pool_id=PO), dm.Pool(alpn_protocols=['h2'])))

    def test_monitor_types_refused_by_name(self):
        for kind in ('PING', 'UDP-CONNECT', 'SCTP'):
            self.refused('health monitor type', kind, call=lambda: self.driver.health_monitor_create(
                dm.HealthMonitor(healthmonitor_id=HM, pool_id=PO, type=kind, delay=1, timeout=1)))

    def test_nested_tree_refused_by_inner_option(self):
        lb = dm.LoadBalancer(loadbalancer_id=LB, availability_zone=ZONE, listeners=[
            dm.Listener(listener_id=LI, protocol='TCP', default_pool=dm.Pool(
                pool_id=PO, protocol='TCP', healthmonitor=dm.HealthMonitor(type='PING')))])
        self.refused('health monitor type PING', call=lambda: self.driver.loadbalancer_create(lb))

    def test_failover_tells_the_hub_to_swap_the_pair(self):
        self.driver.loadbalancer_failover(LB)
        self.assertEqual([('/api/octavia/changes', {'object': 'loadbalancer', 'id': LB, 'action': 'failover',
                                                    'loadbalancer_id': LB})], self.hub.posts)
        with self.assertRaises(exceptions.NotImplementedError):
            self.driver.create_vip_port(LB, 'p', {})

    # Availability zones
    def test_create_without_zone_tells_user_to_pass_one(self):
        for az in (dm.Unset, None, {}):
            msg = self.refused('availability_zone', '--availability-zone', call=lambda:
                               self.driver.loadbalancer_create(
                                   dm.LoadBalancer(loadbalancer_id=LB, availability_zone=az)))
            self.assertIn('edgelb', msg)

    def test_zone_metadata_validated(self):
        self.assertIn('agents', self.driver.get_supported_availability_zone_metadata())
        self.driver.validate_availability_zone({'agents': ['r1', 'edge-2.site_a']})
        bad = {'colour': ({'agents': ['r1'], 'colour': 'x'}, 'colour'),
               'empty': ({'agents': []}, 'agents'),
               'type': ({'agents': 'r1'}, 'agents'),
               'id': ({'agents': ['-r1']}, '-r1'),
               'long': ({'agents': ['r' * 64]}, 'not an agent id'),
               'dup': ({'agents': ['r1', 'r1']}, 'twice')}
        for label, (meta, name) in bad.items():
            with self.subTest(label):
                self.refused(name, call=lambda: self.driver.validate_availability_zone(meta))

    def test_router_pair_zone_validated(self):
        self.assertIn('vrrp', self.driver.get_supported_availability_zone_metadata())
        good = {'device': 'eth1', 'prefix': 24, 'advert_int': 0.5,
                'addresses': {'r1': '198.51.100.1', 'r2': '198.51.100.2'}}
        self.driver.validate_availability_zone({'agents': ['r1', 'r2'], 'vrrp': good})
        bad = {'three': ({'agents': ['r1', 'r2', 'r3'], 'vrrp': good}, 'exactly two agents'),
               'device': ({'agents': ['r1', 'r2'], 'vrrp': dict(good, device='eth1; reboot')}, 'vrrp.device'),
               'prefix': ({'agents': ['r1', 'r2'], 'vrrp': dict(good, prefix=True)}, 'vrrp.prefix'),
               'advert': ({'agents': ['r1', 'r2'], 'vrrp': dict(good, advert_int=0)}, 'vrrp.advert_int'),
               'address': ({'agents': ['r1', 'r2'], 'vrrp': dict(good, addresses={'r1': '198.51.100.1',
                                                                                  'r2': '<b>'})},
                           'vrrp.addresses.r2'),
               'key': ({'agents': ['r1', 'r2'], 'vrrp': dict(good, script='/bin/sh')}, 'script'),
               'type': ({'agents': ['r1', 'r2'], 'vrrp': 'yes'}, 'vrrp must be')}
        for label, (meta, name) in bad.items():
            with self.subTest(label):
                self.refused(name, call=lambda: self.driver.validate_availability_zone(meta))

    def test_flavor_metadata(self):
        self.assertEqual({}, self.driver.get_supported_flavor_metadata())
        self.driver.validate_flavor({})
        self.refused('compute_flavor', call=lambda: self.driver.validate_flavor({'compute_flavor': 'x'}))

    # Supported objects reach the hub
    def test_supported_tree_accepted_and_hub_told(self):
        lb = dm.LoadBalancer(loadbalancer_id=LB, availability_zone=ZONE, vip_address='127.0.0.5',
                             listeners=[dm.Listener(listener_id=LI, protocol='HTTPS', protocol_port=443,
                                                    allowed_cidrs=['127.0.0.0/8'], connection_limit=10)],
                             pools=[dm.Pool(pool_id=PO, protocol='PROXYV2', lb_algorithm='SOURCE_IP_PORT',
                                            session_persistence={'type': 'SOURCE_IP'}, tls_enabled=False,
                                            healthmonitor=dm.HealthMonitor(type='TLS-HELLO'),
                                            members=[dm.Member(member_id=ME, backup=True,
                                                               monitor_port=81)])])
        self.driver.loadbalancer_create(lb)
        self.driver.listener_update(dm.Listener(listener_id=LI, loadbalancer_id=LB),
                                    dm.Listener(connection_limit=5))
        self.driver.member_create(dm.Member(member_id=ME, pool_id=PO, address='127.0.0.9',
                                            protocol_port=80, backup=True))
        self.driver.member_batch_update(PO, [dm.Member(member_id=ME)])
        self.driver.health_monitor_create(dm.HealthMonitor(healthmonitor_id=HM, pool_id=PO, type='HTTP'))
        self.driver.pool_delete(dm.Pool(pool_id=PO, loadbalancer_id=LB))
        self.driver.loadbalancer_delete(dm.LoadBalancer(loadbalancer_id=LB), cascade=True)
        self.assertEqual([
            ('/api/octavia/changes', {'object': 'loadbalancer', 'id': LB, 'action': 'create',
                                      'loadbalancer_id': LB}),
            ('/api/octavia/changes', {'object': 'listener', 'id': LI, 'action': 'update',
                                      'loadbalancer_id': LB}),
            ('/api/octavia/changes', {'object': 'member', 'id': ME, 'action': 'create'}),
            ('/api/octavia/changes', {'object': 'pool', 'id': PO, 'action': 'update'}),
            ('/api/octavia/changes', {'object': 'healthmonitor', 'id': HM, 'action': 'create'}),
            ('/api/octavia/changes', {'object': 'pool', 'id': PO, 'action': 'delete',
                                      'loadbalancer_id': LB}),
            ('/api/octavia/changes', {'object': 'loadbalancer', 'id': LB, 'action': 'delete',
                                      'loadbalancer_id': LB}),
        ], self.hub.posts)

    def test_http_listener_and_pool_accepted_and_hub_told(self):
        lb = dm.LoadBalancer(loadbalancer_id=LB, availability_zone=ZONE, listeners=[
            dm.Listener(listener_id=LI, protocol='HTTP', protocol_port=80,
                        insert_headers={'X-Forwarded-For': 'true', 'x-forwarded-port': 'True',
                                        'X-Forwarded-Proto': False},
                        default_pool=dm.Pool(pool_id=PO, protocol='HTTP', lb_algorithm='ROUND_ROBIN',
                                             session_persistence={'type': 'HTTP_COOKIE'},
                                             healthmonitor=dm.HealthMonitor(type='HTTP')))])
        self.driver.loadbalancer_create(lb)
        self.driver.listener_update(dm.Listener(listener_id=LI, loadbalancer_id=LB),
                                    dm.Listener(insert_headers={'X-Forwarded-Proto': 'true'}))
        self.driver.listener_update(dm.Listener(listener_id=LI, loadbalancer_id=LB),
                                    dm.Listener(insert_headers={}))
        self.driver.pool_create(dm.Pool(pool_id=PO, loadbalancer_id=LB, protocol='HTTP'))
        # A TCP listener may carry switched-off headers (Octavia's defaults).
        self.driver.listener_create(dm.Listener(listener_id=LI, loadbalancer_id=LB, protocol='TCP',
                                                insert_headers={'X-Forwarded-For': 'false'}))
        self.assertEqual([
            ('/api/octavia/changes', {'object': 'loadbalancer', 'id': LB, 'action': 'create',
                                      'loadbalancer_id': LB}),
            ('/api/octavia/changes', {'object': 'listener', 'id': LI, 'action': 'update',
                                      'loadbalancer_id': LB}),
            ('/api/octavia/changes', {'object': 'listener', 'id': LI, 'action': 'update',
                                      'loadbalancer_id': LB}),
            ('/api/octavia/changes', {'object': 'pool', 'id': PO, 'action': 'create',
                                      'loadbalancer_id': LB}),
            ('/api/octavia/changes', {'object': 'listener', 'id': LI, 'action': 'create',
                                      'loadbalancer_id': LB}),
        ], self.hub.posts)

    def test_every_configured_hub_told(self):
        second = standins.Hub()
        self.addCleanup(second.close)
        self.conf.set_override('hub_url', [self.hub.url, second.url], group='edgelb')
        self.driver.pool_create(dm.Pool(pool_id=PO, protocol='TCP'))
        self.assertEqual(1, len(self.hub.posts))
        self.assertEqual(1, len(second.posts))

    def test_hub_down_returns_quickly_without_raising(self):
        # A listening socket that never accepts: the request times out.
        silent = socket.socket()
        silent.bind(('127.0.0.1', 0))
        silent.listen(0)
        self.addCleanup(silent.close)
        closed = socket.socket()
        closed.bind(('127.0.0.1', 0))
        dead = 'http://127.0.0.1:{}'.format(closed.getsockname()[1])
        closed.close()
        stuck = 'http://127.0.0.1:{}'.format(silent.getsockname()[1])
        self.conf.set_override('request_timeout', 0.3, group='edgelb')
        self.conf.set_override('hub_url', [dead, stuck, self.hub.url], group='edgelb')
        start = time.monotonic()
        self.driver.member_delete(dm.Member(member_id=ME, pool_id=PO))
        self.assertLess(time.monotonic() - start, 5.0)  # bounded by request_timeout, not forever
        self.assertEqual(1, len(self.hub.posts), 'the reachable hub is still told')

    def test_wrong_token_file_logged_not_raised(self):
        self.conf.set_override('hub_token_file', '/nonexistent/token', group='edgelb')
        self.driver.pool_create(dm.Pool(pool_id=PO, protocol='TCP'))
        self.assertEqual([], self.hub.posts)  # 401 from the hub, swallowed


if __name__ == '__main__':
    unittest.main()
