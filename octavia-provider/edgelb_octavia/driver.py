"""The Octavia provider driver: validates synchronously, then nudges the hub.

Octavia calls these methods in its API process before it commits its own
transaction, so they must return fast: validation is local, and the hub is
only told "look again" (it reads the objects from Octavia's API itself).
"""
import logging

from oslo_config import cfg
from octavia_lib.api.drivers import exceptions
from octavia_lib.api.drivers import provider_base

from edgelb_octavia import capabilities
from edgelb_octavia import config
from edgelb_octavia import hub_client
from edgelb_octavia import zones

LOG = logging.getLogger(__name__)


def _value(obj, name):
    value = getattr(obj, name, None)
    return value if capabilities.given(value) else None


class EdgelbProviderDriver(provider_base.ProviderDriver):

    def __init__(self, conf=None):
        super().__init__()
        self._conf = config.register(conf if conf is not None else cfg.CONF)
        self._hub = hub_client.HubNotifier(self._conf)

    def create_vip_port(self, loadbalancer_id, project_id, vip_dictionary,
                        additional_vip_dicts=None):
        # Octavia then allocates the VIP through its own network driver.
        raise exceptions.NotImplementedError(
            user_fault_string='edgelb lets Octavia allocate the VIP port',
            operator_fault_string='edgelb lets Octavia allocate the VIP port')

    # Load balancers
    def loadbalancer_create(self, loadbalancer):
        zones.agents_of(loadbalancer)
        capabilities.check_loadbalancer(loadbalancer)
        lb_id = _value(loadbalancer, 'loadbalancer_id')
        self._hub.changed('loadbalancer', lb_id, 'create', lb_id)

    def loadbalancer_update(self, old_loadbalancer, new_loadbalancer):
        capabilities.check_loadbalancer(new_loadbalancer)
        lb_id = (_value(new_loadbalancer, 'loadbalancer_id')
                 or _value(old_loadbalancer, 'loadbalancer_id'))
        self._hub.changed('loadbalancer', lb_id, 'update', lb_id)

    def loadbalancer_delete(self, loadbalancer, cascade=False):
        lb_id = _value(loadbalancer, 'loadbalancer_id')
        self._hub.changed('loadbalancer', lb_id, 'delete', lb_id)

    def loadbalancer_failover(self, loadbalancer_id):
        # On a router pair (a zone with "vrrp") the hub swaps the routers'
        # roles; on one router there is nothing to fail over to, and the hub
        # completes the request as it is.
        self._hub.changed('loadbalancer', loadbalancer_id, 'failover',
                          loadbalancer_id)

    # Listeners
    def listener_create(self, listener):
        capabilities.check_listener(listener)
        self._tell('listener', listener, 'listener_id', 'create')

    def listener_update(self, old_listener, new_listener):
        capabilities.check_listener(new_listener)
        self._tell('listener', old_listener, 'listener_id', 'update')

    def listener_delete(self, listener):
        self._tell('listener', listener, 'listener_id', 'delete')

    # Pools
    def pool_create(self, pool):
        capabilities.check_pool(pool)
        self._tell('pool', pool, 'pool_id', 'create')

    def pool_update(self, old_pool, new_pool):
        capabilities.check_pool(new_pool)
        self._tell('pool', old_pool, 'pool_id', 'update')

    def pool_delete(self, pool):
        self._tell('pool', pool, 'pool_id', 'delete')

    # Members
    def member_create(self, member):
        capabilities.check_member(member)
        self._tell('member', member, 'member_id', 'create')

    def member_update(self, old_member, new_member):
        capabilities.check_member(new_member)
        self._tell('member', old_member, 'member_id', 'update')

    def member_delete(self, member):
        self._tell('member', member, 'member_id', 'delete')

    def member_batch_update(self, pool_id, members):
        for member in members:
            capabilities.check_member(member)
        self._hub.changed('pool', pool_id, 'update')

    # Health monitors
    def health_monitor_create(self, healthmonitor):
        capabilities.check_healthmonitor(healthmonitor)
        self._tell('healthmonitor', healthmonitor, 'healthmonitor_id', 'create')

    def health_monitor_update(self, old_healthmonitor, new_healthmonitor):
        capabilities.check_healthmonitor(new_healthmonitor)
        self._tell('healthmonitor', old_healthmonitor, 'healthmonitor_id',
                   'update')

    def health_monitor_delete(self, healthmonitor):
        self._tell('healthmonitor', healthmonitor, 'healthmonitor_id', 'delete')

    # L7: not served (the HTTP proxy routes every request to the listener's pool)
    def l7policy_create(self, l7policy):
        capabilities.check_l7('L7 policies')

    def l7policy_update(self, old_l7policy, new_l7policy):
        capabilities.check_l7('L7 policies')

    def l7policy_delete(self, l7policy):
        pass  # nothing of it can exist on the routers

    def l7rule_create(self, l7rule):
        capabilities.check_l7('L7 rules')

    def l7rule_update(self, old_l7rule, new_l7rule):
        capabilities.check_l7('L7 rules')

    def l7rule_delete(self, l7rule):
        pass

    # Flavors and availability zones
    def get_supported_flavor_metadata(self):
        return dict(zones.FLAVOR_METADATA)

    def validate_flavor(self, flavor_metadata):
        zones.validate_flavor(flavor_metadata)

    def get_supported_availability_zone_metadata(self):
        return dict(zones.AZ_METADATA)

    def validate_availability_zone(self, availability_zone_metadata):
        zones.validate_availability_zone(availability_zone_metadata)

    def _tell(self, kind, obj, id_field, action):
        self._hub.changed(kind, _value(obj, id_field), action,
                          _value(obj, 'loadbalancer_id'))
