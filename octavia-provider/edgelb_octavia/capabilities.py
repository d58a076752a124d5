"""What edgelb cannot do yet: the one list to shrink when a feature lands.

The driver calls check_*() before it tells the hub anything, so Octavia's API
refuses the request at once (UnsupportedOptionError, HTTP 400/501) instead of
accepting an object the routers will never serve.
"""
from octavia_lib.api.drivers import data_models
from octavia_lib.api.drivers import exceptions

# The agent relays TCP, proxies HTTP/1.1, and passes HTTPS through untouched
# (no TLS termination, so no TERMINATED_HTTPS).
LISTENER_PROTOCOLS = frozenset({'TCP', 'HTTP', 'HTTPS'})
# Pools speak TCP to members, optionally after a PROXY v1/v2 header, or HTTP
# behind an HTTP listener (the hub relays an HTTP pool as TCP under others).
POOL_PROTOCOLS = frozenset({'TCP', 'HTTP', 'HTTPS', 'PROXY', 'PROXYV2'})
# model/ForwardedHeader.java: the headers an HTTP listener inserts. Octavia's
# X-SSL-Client-* headers need TLS termination.
INSERT_HEADERS = ('X-Forwarded-For', 'X-Forwarded-Port', 'X-Forwarded-Proto')
LB_ALGORITHMS = frozenset({'ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP',
                           'SOURCE_IP_PORT'})
# model/SessionPersistence.java: SOURCE_IP, and HTTP_COOKIE on HTTP pools (the
# agent's HTTP proxy sets its own cookie). APP_COOKIE is not there yet.
SESSION_PERSISTENCE_TYPES = frozenset({'SOURCE_IP', 'HTTP_COOKIE'})
COOKIE_PERSISTENCE_TYPES = frozenset({'HTTP_COOKIE'})
# model/MonitorType.java: no ICMP/UDP/SCTP without raw sockets.
MONITOR_TYPES = frozenset({'TCP', 'HTTP', 'HTTPS', 'TLS-HELLO'})

# Fields whose mere presence (a non-empty value) is refused.
LISTENER_UNSUPPORTED_FIELDS = (
    'default_tls_container_ref', 'default_tls_container_data',
    'sni_container_refs', 'sni_container_data', 'client_ca_tls_container_ref',
    'client_ca_tls_container_data', 'client_crl_container_ref',
    'client_crl_container_data', 'tls_versions', 'tls_ciphers',
    'alpn_protocols', 'l7policies')
# client_authentication defaults to NONE; anything else needs TLS termination.
POOL_UNSUPPORTED_FIELDS = (
    'tls_container_ref', 'tls_container_data', 'ca_tls_container_ref',
    'ca_tls_container_data', 'crl_container_ref', 'crl_container_data',
    'tls_versions', 'tls_ciphers', 'alpn_protocols')
# The hub maps vip_address only.
LOADBALANCER_UNSUPPORTED_FIELDS = ('additional_vips',)


def given(value):
    """True when the API passed a real value (not Unset, None, empty)."""
    if value is None or isinstance(value, data_models.UnsetType):
        return False
    if isinstance(value, (list, tuple, dict, str)) and not value:
        return False
    return True


def refuse(what, hint=None):
    msg = 'edgelb does not support {} yet'.format(what)
    if hint:
        msg += ' ({})'.format(hint)
    raise exceptions.UnsupportedOptionError(user_fault_string=msg,
                                            operator_fault_string=msg)


def _fields(obj, kind, names):
    for name in names:
        value = getattr(obj, name, None)
        if given(value):
            refuse('{} {}'.format(kind, name))


def _one_of(kind, name, value, allowed):
    if given(value) and value not in allowed:
        refuse('{} {} {}'.format(kind, name, value))


def check_loadbalancer(lb):
    _fields(lb, 'loadbalancer', LOADBALANCER_UNSUPPORTED_FIELDS)
    for listener in _list(getattr(lb, 'listeners', None)):
        check_listener(listener)
    for pool in _list(getattr(lb, 'pools', None)):
        check_pool(pool)


def check_listener(listener):
    _one_of('listener', 'protocol', listener.protocol, LISTENER_PROTOCOLS)
    _fields(listener, 'listener', LISTENER_UNSUPPORTED_FIELDS)
    _insert_headers(listener)
    auth = getattr(listener, 'client_authentication', None)
    if given(auth) and auth != 'NONE':
        refuse('listener client_authentication {}'.format(auth))
    if given(getattr(listener, 'default_pool', None)):
        check_pool(listener.default_pool)


def _insert_headers(listener):
    """Octavia's {"X-Forwarded-For": "true"}: only the names edgelb inserts."""
    headers = getattr(listener, 'insert_headers', None)
    if not given(headers):
        return
    if not isinstance(headers, dict):
        refuse('listener insert_headers that are not a dict')
    known = {name.lower(): name for name in INSERT_HEADERS}
    for name, value in headers.items():
        if not isinstance(name, str) or name.lower() not in known:
            refuse('listener insert_headers {}'.format(_shown(name)),
                   'only {}'.format(', '.join(INSERT_HEADERS)))
        if _flag(value) is None:
            refuse('listener insert_headers {} {}'.format(known[name.lower()],
                                                          _shown(value)),
                   'only true or false')
    protocol = getattr(listener, 'protocol', None)
    if given(protocol) and protocol != 'HTTP' and any(
            _flag(v) for v in headers.values()):
        refuse('listener insert_headers with protocol {}'.format(protocol),
               'HTTP listeners insert headers')


def _flag(value):
    """True/False for Octavia's header switches ("true", "False", True), else None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ('true', 'false'):
        return value.lower() == 'true'
    return None


def _shown(value):
    """A tenant's value in a message: quoted, cut short."""
    text = repr(value)
    return text if len(text) <= 64 else text[:61] + '...'


def check_pool(pool):
    _one_of('pool', 'protocol', pool.protocol, POOL_PROTOCOLS)
    _one_of('pool', 'lb_algorithm', pool.lb_algorithm, LB_ALGORITHMS)
    persistence = pool.session_persistence
    if given(persistence):
        kind = persistence.get('type') if isinstance(persistence, dict) else None
        _one_of('pool', 'session_persistence type', kind or str(persistence),
                SESSION_PERSISTENCE_TYPES)
        # An update may not restate the protocol: then the hub checks the pair.
        if kind in COOKIE_PERSISTENCE_TYPES and given(pool.protocol) and pool.protocol != 'HTTP':
            refuse('pool session_persistence type {} with protocol {}'.format(
                kind, pool.protocol), 'cookies need an HTTP pool')
    if pool.tls_enabled is True:
        refuse('pool tls_enabled')
    _fields(pool, 'pool', POOL_UNSUPPORTED_FIELDS)
    if given(pool.healthmonitor):
        check_healthmonitor(pool.healthmonitor)
    for member in _list(pool.members):
        check_member(member)


def check_member(member):
    """Every member field (backup, monitor_address/port, weight) is served."""


def check_healthmonitor(hm):
    _one_of('health monitor', 'type', hm.type, MONITOR_TYPES)


def check_l7(kind):
    refuse(kind)


def _list(value):
    return value if given(value) and isinstance(value, list) else []
