"""Flavor and availability zone metadata: which routers serve a load balancer."""
import ipaddress
import re

from octavia_lib.api.drivers import exceptions

AGENT_ID = re.compile(r'[A-Za-z0-9][A-Za-z0-9_.-]{0,62}\Z')
AZ_METADATA = {
    'agents': 'List of edgelb agent ids (routers) that serve load balancers '
              'of this zone, e.g. ["r1", "r2"].',
    'vrrp': 'Makes the zone a router pair (ACTIVE_STANDBY): {"device": '
            '"eth1", "prefix": 24, "advert_int": 1, "addresses": {"r1": '
            '"198.51.100.1", "r2": "198.51.100.2"}}; exactly two agents.',
}
DEVICE = re.compile(r'[A-Za-z0-9_.-]{1,15}\Z')
FLAVOR_METADATA = {}


def _refuse(msg):
    raise exceptions.UnsupportedOptionError(user_fault_string=msg,
                                            operator_fault_string=msg)


def validate_flavor(metadata):
    if not isinstance(metadata, dict):
        _refuse('edgelb flavor metadata must be a JSON object')
    if metadata:
        _refuse('edgelb does not support flavor keys: {}'.format(
            ', '.join(sorted(str(k) for k in metadata))))


def validate_availability_zone(metadata):
    """Returns the agent list; raises naming the bad key or value."""
    if not isinstance(metadata, dict):
        _refuse('edgelb availability zone metadata must be a JSON object')
    unknown = sorted(str(k) for k in metadata if k not in AZ_METADATA)
    if unknown:
        _refuse('edgelb does not support availability zone keys: {} '
                '(known: agents, vrrp)'.format(', '.join(unknown)))
    agents = metadata.get('agents')
    if not isinstance(agents, list) or not agents:
        _refuse('edgelb availability zone metadata needs "agents": a '
                'non-empty list of agent ids')
    if 'vrrp' in metadata:
        _validate_vrrp(metadata['vrrp'], agents)
    seen = set()
    for agent in agents:
        if not isinstance(agent, str) or not AGENT_ID.match(agent):
            _refuse('edgelb availability zone agents: {!r} is not an agent id '
                    '([A-Za-z0-9][A-Za-z0-9_.-]{{0,62}})'.format(agent)[:200])
        if agent in seen:
            _refuse('edgelb availability zone agents: {} is listed twice'
                    .format(agent))
        seen.add(agent)
    return list(agents)


def _validate_vrrp(vrrp, agents):
    if not isinstance(vrrp, dict):
        _refuse('edgelb availability zone vrrp must be a JSON object')
    if not isinstance(agents, list) or len(agents) != 2:
        _refuse('edgelb availability zone vrrp needs exactly two agents '
                '(a router pair)')
    unknown = sorted(str(k) for k in vrrp
                     if k not in ('device', 'prefix', 'advert_int', 'addresses'))
    if unknown:
        _refuse('edgelb availability zone vrrp does not support: {}'.format(
            ', '.join(unknown))[:200])
    device = vrrp.get('device')
    if not isinstance(device, str) or not DEVICE.match(device):
        _refuse('edgelb availability zone vrrp.device must be a kernel device '
                'name ([A-Za-z0-9_.-]{1,15})')
    prefix = vrrp.get('prefix')
    if isinstance(prefix, bool) or not isinstance(prefix, int) or not 1 <= prefix <= 128:
        _refuse('edgelb availability zone vrrp.prefix must be the VIP '
                "subnet's prefix length (1-128)")
    advert = vrrp.get('advert_int', 1)
    if (isinstance(advert, bool) or not isinstance(advert, (int, float))
            or not 0.01 <= advert <= 40.95):
        _refuse('edgelb availability zone vrrp.advert_int must be seconds, '
                '0.01-40.95')
    addresses = vrrp.get('addresses')
    if not isinstance(addresses, dict):
        _refuse('edgelb availability zone vrrp.addresses must map each agent '
                'to its own address on the device')
    for agent in agents:
        try:
            ipaddress.ip_address(addresses.get(agent))
        except (TypeError, ValueError):
            _refuse('edgelb availability zone vrrp.addresses.{} must be the '
                    "router's own IP address".format(agent)[:200])


def agents_of(loadbalancer):
    """The zone's agents for a load balancer create, or a clear refusal."""
    az = getattr(loadbalancer, 'availability_zone', None)
    if not isinstance(az, dict) or 'agents' not in az:
        _refuse('edgelb needs an availability_zone naming its routers: '
                'pass --availability-zone with a zone whose profile has '
                'provider edgelb and {"agents": [...]}')
    return validate_availability_zone(az)
