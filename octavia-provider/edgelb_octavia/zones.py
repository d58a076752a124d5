"""Flavor and availability zone metadata: which routers serve a load balancer."""
import re

from octavia_lib.api.drivers import exceptions

AGENT_ID = re.compile(r'[A-Za-z0-9][A-Za-z0-9_.-]{0,62}\Z')
AZ_METADATA = {
    'agents': 'List of edgelb agent ids (routers) that serve load balancers '
              'of this zone, e.g. ["r1", "r2"].',
}
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
                '(known: agents)'.format(', '.join(unknown)))
    agents = metadata.get('agents')
    if not isinstance(agents, list) or not agents:
        _refuse('edgelb availability zone metadata needs "agents": a '
                'non-empty list of agent ids')
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


def agents_of(loadbalancer):
    """The zone's agents for a load balancer create, or a clear refusal."""
    az = getattr(loadbalancer, 'availability_zone', None)
    if not isinstance(az, dict) or 'agents' not in az:
        _refuse('edgelb needs an availability_zone naming its routers: '
                'pass --availability-zone with a zone whose profile has '
                'provider edgelb and {"agents": [...]}')
    return validate_availability_zone(az)
