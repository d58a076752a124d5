"""The provider agent: relays the hubs' status and statistics to Octavia.

octavia-driver-agent runs main(exit_event) in its own process. One thread
(this loop) owns every piece of state here: the per-hub cursors and the
per-object as_of map.
"""
import json
import logging
import re

from oslo_config import cfg
from octavia_lib.api.drivers import driver_lib
from octavia_lib.common import constants

from edgelb_octavia import config
from edgelb_octavia import hub_client

LOG = logging.getLogger(__name__)

MAX_ANSWER_BYTES = 8 * 1024 * 1024
OBJECT_ID = re.compile(r'[0-9a-fA-F-]{1,64}\Z')
STATUS_KINDS = (constants.LOADBALANCERS, constants.LISTENERS, constants.POOLS,
                constants.MEMBERS, constants.HEALTHMONITORS)
PROVISIONING = frozenset(constants.SUPPORTED_PROVISIONING_STATUSES)
OPERATING = frozenset(constants.SUPPORTED_OPERATING_STATUSES)
COUNTERS = ('bytes_in', 'bytes_out', 'active_connections',
            'total_connections', 'request_errors')
MAX_TRACKED = 100000  # as_of entries; deleted objects are forgotten first
# Load balancers per update_loadbalancer_status call. The driver agent forks a process and opens
# a database session per call (about 0.85 s each on a 2-core test machine): one call per load
# balancer made 20 new load balancers wait 17 s for their ACTIVE. One call carries many.
BATCH_LBS = 200


class BadAnswer(ValueError):
    """A hub answer that must not reach Octavia; the message names the field."""


def _int(value, field):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadAnswer('{} is not a non-negative integer'.format(field))
    return value


def _id(value, field):
    if not isinstance(value, str) or not OBJECT_ID.match(value):
        raise BadAnswer('{} is not an object id'.format(field))
    return value


def _list(parent, key, field):
    value = parent.get(key, [])
    if not isinstance(value, list):
        raise BadAnswer('{} is not a list'.format(field))
    return value


def parse_answer(raw):
    """Validates a GET /api/octavia/status answer; raises BadAnswer naming the field."""
    try:
        doc = json.loads(raw.decode('utf-8'))
    except (UnicodeDecodeError, ValueError) as e:
        raise BadAnswer('answer is not JSON: {}'.format(e)) from e
    if not isinstance(doc, dict):
        raise BadAnswer('answer is not a JSON object')
    instance = doc.get('hub_instance')
    if not isinstance(instance, str) or not 0 < len(instance) <= 128:
        raise BadAnswer('hub_instance is not a short string')
    cursor = _int(doc.get('cursor'), 'cursor')
    lbs = []
    for i, entry in enumerate(_list(doc, 'loadbalancers', 'loadbalancers')):
        where = 'loadbalancers[{}]'.format(i)
        if not isinstance(entry, dict):
            raise BadAnswer(where + ' is not an object')
        lb_id = _id(entry.get('id'), where + '.id')
        as_of = _int(entry.get('as_of'), where + '.as_of')
        status = entry.get('status')
        if not isinstance(status, dict):
            raise BadAnswer(where + '.status is not an object')
        unknown = [k for k in status if k not in STATUS_KINDS]
        if unknown:
            raise BadAnswer('{}.status.{} is not a status kind'.format(
                where, str(unknown[0])[:64]))
        clean = {}
        for kind in STATUS_KINDS:
            items = []
            for j, obj in enumerate(_list(status, kind, where + '.status.' + kind)):
                items.append(_status_entry(obj, '{}.status.{}[{}]'.format(where, kind, j)))
            if items:
                clean[kind] = items
        lbs.append((lb_id, as_of, clean))
    stats = doc.get('statistics', {})
    if not isinstance(stats, dict):
        raise BadAnswer('statistics is not an object')
    listeners = []
    for i, entry in enumerate(_list(stats, 'listeners', 'statistics.listeners')):
        where = 'statistics.listeners[{}]'.format(i)
        if not isinstance(entry, dict):
            raise BadAnswer(where + ' is not an object')
        clean = {'id': _id(entry.get('id'), where + '.id')}
        for counter in COUNTERS:
            clean[counter] = _int(entry.get(counter, 0), where + '.' + counter)
        listeners.append(clean)
    return instance, cursor, lbs, listeners


def _status_entry(obj, where):
    if not isinstance(obj, dict):
        raise BadAnswer(where + ' is not an object')
    clean = {'id': _id(obj.get('id'), where + '.id')}
    prov = obj.get(constants.PROVISIONING_STATUS)
    oper = obj.get(constants.OPERATING_STATUS)
    if prov is not None:
        if prov not in PROVISIONING:
            raise BadAnswer(where + '.provisioning_status is not an Octavia status')
        clean[constants.PROVISIONING_STATUS] = prov
    if oper is not None:
        if oper not in OPERATING:
            raise BadAnswer(where + '.operating_status is not an Octavia status')
        clean[constants.OPERATING_STATUS] = oper
    if len(clean) == 1:
        raise BadAnswer(where + ' has neither provisioning_status nor operating_status')
    return clean


class StatusRelay:
    """Polls hubs and writes newer statuses through octavia-lib's DriverLibrary."""

    def __init__(self, conf, driver_library):
        self._conf = conf
        self._lib = driver_library
        self._cursors = {}   # hub url -> (hub_instance, cursor)
        self._as_of = {}     # (kind, object id) -> newest as_of written
        self._failing = {}   # hub url -> why its last poll failed (logged once per reason)

    def poll_all(self):
        token = hub_client.read_token(self._conf.edgelb.hub_token_file)
        for base in hub_client.hub_urls(self._conf):
            try:
                self.poll(base, token)
                if self._failing.pop(base, None):
                    LOG.info('edgelb: status from hub %s relayed again', base)
            except BadAnswer as e:
                self._failed(base, 'answer refused: {}'.format(e))
            except Exception as e:  # hub down, driver agent down: next tick
                self._failed(base, 'status not relayed: {} {}'.format(
                    type(e).__name__, getattr(e, 'fault_string', None) or e))

    def _failed(self, base, why):
        """A warning when a hub starts failing or fails differently; debug while it goes on."""
        if self._failing.get(base) != why:
            LOG.warning('edgelb: hub %s %s (retried every poll; logged again when it changes)',
                        base, why)
            self._failing[base] = why
        else:
            LOG.debug('edgelb: hub %s %s', base, why)

    def poll(self, base, token, again=True):
        instance, cursor = self._cursors.get(base, (None, 0))
        raw = hub_client.request('{}/api/octavia/status?since={}'.format(base, cursor),
                                 token, self._conf.edgelb.request_timeout,
                                 limit=MAX_ANSWER_BYTES)
        new_instance, new_cursor, lbs, listeners = parse_answer(raw)
        if instance is not None and new_instance != instance and cursor and again:
            # A restarted hub may know our old number as one of its own
            # cursors: ask it for everything instead.
            LOG.info('edgelb: hub %s restarted (instance %s); full status', base, new_instance)
            self._cursors[base] = (new_instance, 0)
            self.poll(base, token, again=False)
            return
        batch = []
        for lb_id, as_of, status in lbs:
            fresh = self._newer(status, as_of)
            if fresh:
                batch.append((fresh, as_of))
            if len(batch) >= BATCH_LBS:
                self._write(batch)
                batch = []
        if batch:
            self._write(batch)
        if listeners:
            self._lib.update_listener_statistics({constants.LISTENERS: listeners})
        # Only after Octavia took everything: a failure retries from the old cursor.
        self._cursors[base] = (new_instance, new_cursor)

    def _write(self, batch):
        """One driver-agent call for several load balancers' objects, then their as_of."""
        merged = {}
        for fresh, _ in batch:
            for kind, items in fresh.items():
                merged.setdefault(kind, []).extend(items)
        self._lib.update_loadbalancer_status(merged)
        for fresh, as_of in batch:
            self._remember(fresh, as_of)

    def _newer(self, status, as_of):
        fresh = {}
        for kind, items in status.items():
            keep = [o for o in items if self._as_of.get((kind, o['id']), -1) <= as_of]
            if keep:
                fresh[kind] = keep
        return fresh

    def _remember(self, status, as_of):
        for kind, items in status.items():
            for o in items:
                key = (kind, o['id'])
                if o.get(constants.PROVISIONING_STATUS) == constants.DELETED:
                    self._as_of.pop(key, None)
                else:
                    self._as_of[key] = as_of
        if len(self._as_of) > MAX_TRACKED:
            # Bounded: forget the oldest evidence first.
            for key, _ in sorted(self._as_of.items(), key=lambda kv: kv[1])[
                    :len(self._as_of) - MAX_TRACKED]:
                del self._as_of[key]

    def tracked(self):
        return len(self._as_of)


def make_driver_library(conf):
    da = conf.driver_agent
    return driver_lib.DriverLibrary(status_socket=da.status_socket_path,
                                    stats_socket=da.stats_socket_path,
                                    get_socket=da.get_socket_path)


def run(exit_event, conf, driver_library):
    relay = StatusRelay(conf, driver_library)
    while not exit_event.is_set():
        relay.poll_all()
        exit_event.wait(conf.edgelb.status_poll_interval)


def main(exit_event):
    """Entry point octavia.driver_agent.provider_agents: edgelb."""
    conf = config.register(cfg.CONF)
    LOG.info('edgelb provider agent polling %s', ', '.join(hub_client.hub_urls(conf)))
    run(exit_event, conf, make_driver_library(conf))
