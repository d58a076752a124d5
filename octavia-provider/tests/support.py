import os
import tempfile

from oslo_config import cfg

from edgelb_octavia import config


def make_conf(hub_urls, token='t0ken', timeout=2.0):
    conf = cfg.ConfigOpts()
    config.register(conf)
    conf([], project='edgelb-test', default_config_files=[])
    fd, path = tempfile.mkstemp(prefix='edgelb-token-')
    with os.fdopen(fd, 'w') as f:
        f.write(token + '\n')
    conf.set_override('hub_url', hub_urls, group='edgelb')
    conf.set_override('hub_token_file', path, group='edgelb')
    conf.set_override('request_timeout', timeout, group='edgelb')
    conf.set_override('status_poll_interval', 0.1, group='edgelb')
    return conf, path
