"""Tells each configured hub that Octavia changed something (best effort)."""
import json
import logging
import urllib.error
import urllib.request

LOG = logging.getLogger(__name__)


def read_token(path):
    """The token file's first line, or None (logged) when unreadable."""
    try:
        with open(path, encoding='utf-8') as f:
            return f.readline(4096).strip() or None
    except OSError as e:
        LOG.warning('edgelb: cannot read hub_token_file %s: %s', path, e)
        return None


def hub_urls(conf):
    return [u.strip().rstrip('/') for u in conf.edgelb.hub_url if u.strip()]


def request(url, token, timeout, body=None, limit=None):
    """One hub request; returns the body bytes. Raises on any failure."""
    data = None if body is None else json.dumps(body).encode('utf-8')
    req = urllib.request.Request(url, data=data,
                                 method='GET' if body is None else 'POST')
    if token:
        req.add_header('Authorization', 'Bearer ' + token)
    if data is not None:
        req.add_header('Content-Type', 'application/json')
    with urllib.request.urlopen(req, timeout=timeout) as answer:
        if limit is None:
            return answer.read(65536)
        raw = answer.read(limit + 1)
        if len(raw) > limit:
            raise ValueError('answer is larger than {} bytes'.format(limit))
        return raw


class HubNotifier:
    """POST /api/octavia/changes to every hub; failures are logged, never raised."""

    def __init__(self, conf):
        self._conf = conf

    def changed(self, obj, obj_id, action, loadbalancer_id=None):
        body = {'object': obj, 'action': action}
        if obj_id:
            body['id'] = obj_id
        if loadbalancer_id:
            body['loadbalancer_id'] = loadbalancer_id
        token = read_token(self._conf.edgelb.hub_token_file)
        timeout = self._conf.edgelb.request_timeout
        for base in hub_urls(self._conf):
            try:
                request(base + '/api/octavia/changes', token, timeout, body)
            except (OSError, ValueError, urllib.error.URLError) as e:
                LOG.warning('edgelb: hub %s not told about %s %s %s: %s '
                            '(its own poll picks it up)', base, action, obj,
                            obj_id, e)
