"""The [edgelb] section of octavia.conf, read by the driver and the provider agent."""
from oslo_config import cfg

OPTS = [
    cfg.ListOpt('hub_url', default=['http://127.0.0.1:8090'],
                help='Comma-separated list of edgelb hub API base URLs.'),
    cfg.StrOpt('hub_token_file', default='/etc/edgelb-hub/api.token',
               help='File holding the hub API token (one line).'),
    cfg.FloatOpt('request_timeout', default=2.0, min=0.1,
                 help='Seconds per hub request.'),
    cfg.FloatOpt('status_poll_interval', default=0.2, min=0.1,
                 help='Seconds between the provider agent polls of each hub.'),
]


def register(conf=None):
    conf = conf if conf is not None else cfg.CONF
    try:
        conf.register_opts(OPTS, group='edgelb')
    except cfg.DuplicateOptError:
        pass
    return conf
