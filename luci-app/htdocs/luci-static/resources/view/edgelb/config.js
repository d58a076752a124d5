'use strict';
'require view';
'require form';
'require uci';
'require edgelb.common as common';

/*
 * /etc/config/edgelb as forms: the agent, listeners, pools, members, health monitors and VXLAN
 * links (README.md, "Configuration"). Save & Apply makes the agent reload through procd's reload trigger.
 */

const ALGORITHMS = {
	ROUND_ROBIN: _('Round robin'),
	LEAST_CONNECTIONS: _('Least connections'),
	SOURCE_IP: _('Source IP hash'),
	SOURCE_IP_PORT: _('Source IP and port hash')
};
const POOL_PROTOCOLS = {
	TCP: _('TCP'),
	PROXY: _('TCP with PROXY protocol v1'),
	PROXYV2: _('TCP with PROXY protocol v2'),
	HTTP: _('HTTP (for HTTP listeners)')
};
const LISTENER_PROTOCOLS = {
	TCP: _('TCP'),
	HTTP: _('HTTP')
};
/* model/ForwardedHeader.java: the headers an HTTP listener may insert. */
const INSERT_HEADERS = [ 'X-Forwarded-For', 'X-Forwarded-Port', 'X-Forwarded-Proto' ];
const MONITOR_TYPES = [ 'TCP', 'HTTP', 'HTTPS', 'TLS-HELLO' ];
const HTTP_METHODS = [ 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT' ];
/* Octavia's upper bound for timeouts, one year, in milliseconds and seconds. */
const MAX_TIMEOUT_MS = 31536000000;
const MAX_TIMEOUT_S = 31536000;

function absolutePath(section_id, value) {
	return value == '' || value == null || /^\/\S*$/.test(value) || _('Expecting an absolute path');
}

function seconds(min, max) {
	return function(section_id, value) {
		if (value == '' || value == null)
			return true;

		const n = +value;

		return (/^\d+(\.\d+)?$/.test(value) && n >= min && n <= max) ||
			_('Expecting seconds from %s to %s').format(min, max);
	};
}

/* Whether an IPv4 CIDR leaves host bits set; IPv6 prefixes are left to the agent's own check. */
function hostBitsSet(cidr) {
	const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);

	if (!m)
		return false;

	const address = ((+m[1] << 24) >>> 0) + (+m[2] << 16) + (+m[3] << 8) + (+m[4]);
	const prefix = +m[5];
	const hostMask = prefix >= 32 ? 0 : (0xffffffff >>> prefix);

	return (address & hostMask) != 0;
}

/* The dependency of options that only relay mode has: shown unless the mode is dnat. */
function relayOnly() {
	return { mode: 'dnat', '!reverse': true };
}

/* Known words only: option labels come from UCI, and a label must never carry markup. */
function known(value, words, fallback) {
	return value == null || value === '' ? fallback : (words.indexOf(value) >= 0 ? value : '?');
}

function poolLabel(pool) {
	return '%s (%s, %s)'.format(pool['.name'], known(pool.lb_algorithm, Object.keys(ALGORITHMS), 'ROUND_ROBIN'),
		known(pool.protocol, Object.keys(POOL_PROTOCOLS), 'TCP'));
}

/* The listeners of the file, with the values of the one being edited taken from the form. */
function listenersWith(section, section_id, port) {
	return uci.sections('edgelb', 'listener').map(function(l) {
		const own = l['.name'] == section_id;

		return {
			id: l['.name'],
			address: own ? section.formvalue(section_id, 'address') : l.address,
			port: own ? port : l.port,
			mode: own ? section.formvalue(section_id, 'mode') : l.mode,
			enabled: own ? section.formvalue(section_id, 'enabled') : l.enabled
		};
	});
}

/* Whether the pool speaks HTTP to its members. */
function httpPool(pool_id) {
	const pool = uci.get('edgelb', pool_id);

	return pool != null && pool.protocol == 'HTTP';
}

/* Why a listener of this protocol cannot use the pool, or null: HTTP listeners and HTTP pools go together. */
function protocolPoolProblem(protocol, pool_id) {
	if (pool_id == null || pool_id === '' || uci.get('edgelb', pool_id) == null)
		return null;

	if (protocol == 'HTTP' && !httpPool(pool_id))
		return _('An HTTP listener needs a pool with protocol HTTP; pool %s has another protocol.').format(pool_id);

	if (protocol != 'HTTP' && httpPool(pool_id))
		return _('Pool %s speaks HTTP, which needs an HTTP listener.').format(pool_id);

	return null;
}

/* Why a DNAT listener cannot use the pool, or null: the kernel path sends no PROXY header and keeps no counts. */
function dnatPoolProblem(pool_id) {
	const pool = uci.get('edgelb', pool_id);

	if (pool == null)
		return null;

	if (pool.protocol == 'HTTP')
		return null; /* said by protocolPoolProblem: an HTTP pool needs an HTTP listener, which needs relay */

	if ((pool.protocol || 'TCP') != 'TCP')
		return _('Pool %s sends the PROXY protocol, which only relay mode can do.').format(pool_id);

	if (pool.lb_algorithm == 'LEAST_CONNECTIONS')
		return _('Pool %s balances by least connections, which only relay mode can do.').format(pool_id);

	return null;
}

/* The id the agent derives for an anonymous member, as shown in its status. */
function memberId(section_id) {
	const s = uci.get('edgelb', section_id) || {};

	if (!s['.anonymous'])
		return section_id;

	return '%s_%s_%s'.format(s.pool || '', s.address || '', s.protocol_port || '').replace(/[^A-Za-z0-9_]/g, '_');
}

return view.extend({
	load: function() {
		return Promise.all([ common.status(), uci.load('edgelb') ]);
	},

	render: function(data) {
		const status = data[0];
		let m, s, o;

		m = new form.Map('edgelb', _('Edge LB configuration'),
			_('Listeners take client connections and spread them over the members of a pool. Section names are the ids that the status page, the logs and the API use: letters, digits and _, unique in the whole file. Save & Apply makes the agent reload; a configuration with errors is rejected and the previous one keeps running.'));

		/* Agent */
		s = m.section(form.TypedSection, 'agent', _('Agent'));
		s.anonymous = true;
		s.addremove = true;
		common.single(s);
		s.tab('general', _('General'));
		s.tab('advanced', _('Advanced'));

		o = s.taboption('general', form.Flag, 'enabled', _('Enabled'));
		o.default = '1';
		common.keepUntouched(o);

		o = s.taboption('general', form.Value, 'drain_timeout', _('Drain timeout'),
			_('Seconds that drained or removed members keep their open connections.'));
		o.placeholder = '60';
		o.validate = seconds(0, MAX_TIMEOUT_S);

		o = s.taboption('general', form.Value, 'shutdown_timeout', _('Shutdown timeout'),
			_('Seconds a stopping agent waits for open connections to finish.'));
		o.placeholder = '10';
		o.validate = seconds(0, MAX_TIMEOUT_S);

		o = s.taboption('general', form.ListValue, 'log_level', _('Log level'));
		[ 'error', 'warn', 'info', 'debug', 'trace' ].forEach(function(level) { o.value(level); });
		o.default = 'info';
		common.keepUntouched(o);

		o = s.taboption('advanced', form.Value, 'api', _('API address'),
			_('Local status and control API, HOST:PORT (IPv6 in brackets). Keep it on loopback: this page reaches it there.'));
		o.datatype = 'ipaddrport(1)';
		o.placeholder = '127.0.0.1:8089';

		o = s.taboption('advanced', form.Value, 'state_dir', _('State directory'),
			_('Runtime state; on tmpfs, so that the flash does not wear.'));
		o.placeholder = '/var/run/edgelb';
		o.validate = absolutePath;

		o = s.taboption('advanced', form.Value, 'api_token_file', _('API token file'),
			_('Token that authorises changes through the API; created at the first start.'));
		o.placeholder = _('<state directory>/api.token');
		o.validate = absolutePath;

		o = s.taboption('advanced', form.Value, 'workers', _('Worker threads'), _('0: one per CPU.'));
		o.datatype = 'range(0,64)';
		o.placeholder = '0';

		o = s.taboption('advanced', form.Value, 'heap', _('Java heap'), _('Read by the init script when it starts the agent.'));
		o = s.taboption('advanced', form.Value, 'java_opts', _('Java options'), _('Read by the init script when it starts the agent.'));

		/* Listeners */
		s = m.section(form.GridSection, 'listener', _('Listeners'), _('Where clients connect.'));
		s.addremove = true;
		s.anonymous = false;
		s.nodescriptions = true;
		common.guardNames(s);
		s.tab('general', _('General'));
		s.tab('limits', _('Limits and timeouts'));
		s.tab('access', _('Access'));

		o = s.taboption('general', form.Flag, 'enabled', _('Enabled'));
		o.default = '1';
		common.keepUntouched(o);
		o.editable = true;

		o = s.taboption('general', form.Value, 'address', _('Address'), _('Empty or :: takes every address; DNAT needs the address clients connect to.'));
		o.datatype = 'ipaddr';
		o.placeholder = '::';
		common.showDefault(o);
		o.validate = function(section_id, value) {
			const mode = this.section.formvalue(section_id, 'mode');

			if (mode == 'dnat' && (value == '' || value == '::' || value == '0.0.0.0'))
				return _('A DNAT listener needs the concrete address clients connect to.');

			return true;
		};

		o = s.taboption('general', form.Value, 'port', _('Port'));
		o.datatype = 'port';
		o.rmempty = false;
		o.validate = function(section_id, value) {
			const all = listenersWith(this.section, section_id, value);
			const own = all.filter(function(l) { return l.id == section_id; })[0];
			const other = own ? common.bindConflict(own, all) : null;

			return other == null || _('Port %s on %s is already used by listener %s (%s).')
				.format(value, own.address || '::', other.id, other.address || '::');
		};

		o = s.taboption('general', form.ListValue, 'mode', _('Mode'),
			_('Relay: the agent proxies every connection, with all features. DNAT: the kernel rewrites packets; fastest, but no connection limit, timeouts, PROXY protocol or least-connections balancing.'));
		o.value('relay', _('relay'));
		o.value('dnat', _('DNAT (kernel)'));
		o.default = 'relay';
		common.keepUntouched(o);

		o = s.taboption('general', form.ListValue, 'protocol', _('Protocol'),
			_('TCP: bytes are relayed as they are. HTTP: requests are parsed (HTTP/1.1 and 1.0), headers can be inserted, and the pool must speak HTTP; needs relay mode.'));
		Object.keys(LISTENER_PROTOCOLS).forEach(function(k) { o.value(k, LISTENER_PROTOCOLS[k]); });
		o.default = 'TCP';
		common.keepUntouched(o);
		o.validate = function(section_id, value) {
			return value != 'HTTP' || this.section.formvalue(section_id, 'mode') != 'dnat' ||
				_('HTTP needs relay mode: the kernel DNAT path does not parse HTTP.');
		};

		o = s.taboption('general', form.ListValue, 'pool', _('Pool'));
		o.value('', _('none: connections are refused'));
		uci.sections('edgelb', 'pool').forEach(function(pool) {
			o.value(pool['.name'], poolLabel(pool));
		});
		o.validate = function(section_id, value) {
			const problem = protocolPoolProblem(this.section.formvalue(section_id, 'protocol'), value) ||
				(this.section.formvalue(section_id, 'mode') == 'dnat' ? dnatPoolProblem(value) : null);

			return problem || true;
		};

		o = s.taboption('general', form.MultiValue, 'insert_headers', _('Insert headers'),
			_('Added to each request passed to a member: X-Forwarded-For appends the client\'s address, X-Forwarded-Port and X-Forwarded-Proto replace what the client sent.'));
		o.modalonly = true;
		INSERT_HEADERS.forEach(function(h) { o.value(h); });
		o.depends('protocol', 'HTTP');

		o = s.taboption('limits', form.Value, 'connection_limit', _('Connection limit'), _('-1: unlimited.'));
		o.modalonly = true;
		o.placeholder = '-1';
		o.depends(relayOnly());
		o.validate = function(section_id, value) {
			return value == '' || value == '-1' || (/^\d+$/.test(value) && +value >= 1 && +value <= 1000000) ||
				_('Expecting -1 or 1 to 1000000');
		};

		[
			[ 'timeout_client_data', _('Client idle timeout'), '50000', 0 ],
			[ 'timeout_member_connect', _('Member connect timeout'), '5000', 1 ],
			[ 'timeout_member_data', _('Member idle timeout'), '50000', 0 ]
		].forEach(function(t) {
			o = s.taboption('limits', form.Value, t[0], t[1], _('Milliseconds; 0: none.'));
			o.modalonly = true;
			o.placeholder = t[2];
			o.datatype = 'range(%d,%d)'.format(t[3], MAX_TIMEOUT_MS);
			o.depends(relayOnly());
		});

		o = s.taboption('limits', form.Value, 'timeout_http_request', _('HTTP request timeout'),
			_('Milliseconds a client has to send a complete request header; then 408.'));
		o.modalonly = true;
		o.placeholder = '10000';
		o.datatype = 'range(1,%d)'.format(MAX_TIMEOUT_MS);
		o.depends('protocol', 'HTTP');

		o = s.taboption('access', form.DynamicList, 'allowed_cidrs', _('Allowed networks'),
			_('Only clients from these networks may connect; empty: everyone.'));
		o.modalonly = true;
		o.datatype = 'cidr';
		o.placeholder = '192.0.2.0/24';
		o.validate = function(section_id, value) {
			return !hostBitsSet(value || '') || _('The address has host bits set; use the network address.');
		};

		/* Pools */
		s = m.section(form.GridSection, 'pool', _('Pools'), _('Sets of members that serve listeners.'));
		s.addremove = true;
		s.anonymous = false;
		s.nodescriptions = true;
		common.guardNames(s);
		common.guardReferences(s, [ [ 'listener', 'pool' ], [ 'member', 'pool' ] ]);

		o = s.option(form.Flag, 'enabled', _('Enabled'));
		o.default = '1';
		common.keepUntouched(o);
		o.editable = true;

		o = s.option(form.ListValue, 'lb_algorithm', _('Algorithm'));
		Object.keys(ALGORITHMS).forEach(function(k) { o.value(k, ALGORITHMS[k]); });
		o.default = 'ROUND_ROBIN';
		common.keepUntouched(o);

		o = s.option(form.ListValue, 'protocol', _('Protocol to members'));
		Object.keys(POOL_PROTOCOLS).forEach(function(k) { o.value(k, POOL_PROTOCOLS[k]); });
		o.default = 'TCP';
		common.keepUntouched(o);
		o.validate = function(section_id, value) {
			const http = value == 'HTTP';
			const other = uci.sections('edgelb', 'listener').filter(function(l) {
				return l.pool == section_id && (l.protocol == 'HTTP') != http;
			})[0];

			if (other == null)
				return true;

			return http ? _('Listener %s uses this pool and is not HTTP: an HTTP pool needs HTTP listeners.').format(other['.name'])
				: _('Listener %s uses this pool and speaks HTTP: its pool needs protocol HTTP.').format(other['.name']);
		};

		o = s.option(form.ListValue, 'healthmonitor', _('Health monitor'));
		o.value('', _('none'));
		uci.sections('edgelb', 'healthmonitor').forEach(function(hm) {
			o.value(hm['.name'], '%s (%s)'.format(hm['.name'], known(hm.type, MONITOR_TYPES, 'TCP')));
		});

		o = s.option(form.ListValue, 'session_persistence', _('Session persistence'));
		o.modalonly = true;
		o.value('', _('none'));
		o.value('SOURCE_IP', _('by client address'));

		o = s.option(form.Value, 'persistence_timeout', _('Persistence timeout'),
			_('Seconds a client stays with its member after its last new connection.'));
		o.modalonly = true;
		o.placeholder = '360';
		o.validate = seconds(1, MAX_TIMEOUT_S);
		o.depends('session_persistence', 'SOURCE_IP');

		/* Members */
		s = m.section(form.GridSection, 'member', _('Members'), _('The backend servers.'));
		s.addremove = true;
		s.anonymous = false;
		s.nodescriptions = true;
		s.sectiontitle = memberId;
		common.guardNames(s);

		o = s.option(form.Flag, 'enabled', _('Enabled'));
		o.default = '1';
		common.keepUntouched(o);
		o.editable = true;

		o = s.option(form.ListValue, 'pool', _('Pool'));
		o.rmempty = false;
		uci.sections('edgelb', 'pool').forEach(function(pool) {
			o.value(pool['.name'], poolLabel(pool));
		});

		o = s.option(form.Value, 'address', _('Address'));
		o.datatype = 'ipaddr';
		o.rmempty = false;
		o.validate = function(section_id, value) {
			return (value != '::' && value != '0.0.0.0') || _('A wildcard address cannot be a member.');
		};

		o = s.option(form.Value, 'protocol_port', _('Port'));
		o.datatype = 'port';
		o.rmempty = false;

		o = s.option(form.Value, 'weight', _('Weight'), _('0 to 256; 0 takes no new connections.'));
		o.datatype = 'range(0,256)';
		o.placeholder = '1';
		common.showDefault(o);

		o = s.option(form.Flag, 'backup', _('Backup'), _('Used only when no other member of the pool is up.'));
		o.default = '0';
		common.keepUntouched(o);

		o = s.option(form.Value, 'monitor_address', _('Check address'), _('Where the health check connects; default: the member address.'));
		o.modalonly = true;
		o.datatype = 'ipaddr';

		o = s.option(form.Value, 'monitor_port', _('Check port'), _('Default: the member port.'));
		o.modalonly = true;
		o.datatype = 'port';

		/* Health monitors */
		s = m.section(form.GridSection, 'healthmonitor', _('Health monitors'), _('Active checks of the members of a pool.'));
		s.addremove = true;
		s.anonymous = false;
		s.nodescriptions = true;
		common.guardNames(s);
		common.guardReferences(s, [ [ 'pool', 'healthmonitor' ] ]);
		s.tab('general', _('General'));
		s.tab('http', _('HTTP'));

		o = s.taboption('general', form.Flag, 'enabled', _('Enabled'));
		o.default = '1';
		common.keepUntouched(o);
		o.editable = true;

		o = s.taboption('general', form.ListValue, 'type', _('Type'));
		MONITOR_TYPES.forEach(function(t) { o.value(t); });
		o.default = 'TCP';
		common.keepUntouched(o);
		o.rmempty = false;

		o = s.taboption('general', form.Value, 'delay', _('Interval'), _('Seconds between checks of a member.'));
		o.placeholder = '5';
		common.showDefault(o);
		o.validate = seconds(0.1, 86400);

		o = s.taboption('general', form.Value, 'timeout', _('Timeout'), _('Seconds a check may take; at most the interval.'));
		o.placeholder = '3';
		common.showDefault(o);
		o.validate = function(section_id, value) {
			const range = seconds(0.1, 86400)(section_id, value);

			if (range !== true || value == '')
				return range;

			const delay = this.section.formvalue(section_id, 'delay') || '5';

			return +value <= +delay || _('The timeout must not be longer than the interval.');
		};

		o = s.taboption('general', form.Value, 'max_retries', _('Successes to go up'));
		o.datatype = 'range(1,10)';
		o.placeholder = '2';
		common.showDefault(o);

		o = s.taboption('general', form.Value, 'max_retries_down', _('Failures to go down'));
		o.modalonly = true;
		o.datatype = 'range(1,10)';
		o.placeholder = '3';

		o = s.taboption('http', form.ListValue, 'http_method', _('HTTP method'));
		o.modalonly = true;
		HTTP_METHODS.forEach(function(method) { o.value(method); });
		o.default = 'GET';
		common.keepUntouched(o);
		o.depends('type', 'HTTP');
		o.depends('type', 'HTTPS');

		o = s.taboption('http', form.Value, 'url_path', _('URL path'));
		o.modalonly = true;
		o.placeholder = '/';
		o.validate = function(section_id, value) {
			return value == '' || /^\/[\x21-\x7e]*$/.test(value) || _('Expecting a path that starts with / and holds no spaces');
		};
		o.depends('type', 'HTTP');
		o.depends('type', 'HTTPS');

		o = s.taboption('http', form.Value, 'expected_codes', _('Expected status codes'), _('For example 200, 200-299 or 200,302.'));
		o.modalonly = true;
		o.placeholder = '200';
		o.validate = function(section_id, value) {
			return value == '' || /^[1-5]\d\d(-[1-5]\d\d)?(,[1-5]\d\d(-[1-5]\d\d)?)*$/.test(value) ||
				_('Expecting codes or ranges separated by commas, such as 200,302 or 200-399');
		};
		o.depends('type', 'HTTP');
		o.depends('type', 'HTTPS');

		o = s.taboption('http', form.Value, 'domain_name', _('Host header'));
		o.modalonly = true;
		o.datatype = 'hostname';
		o.depends('type', 'HTTP');
		o.depends('type', 'HTTPS');

		/* VXLAN links */
		s = m.section(form.GridSection, 'vxlan', _('VXLAN links'),
			_('Links into tenant overlays. The section name also names the kernel link: at most 15 characters.'));
		s.addremove = true;
		s.anonymous = false;
		s.nodescriptions = true;
		common.guardNames(s, 15);

		o = s.option(form.Flag, 'enabled', _('Enabled'));
		o.default = '1';
		common.keepUntouched(o);
		o.editable = true;

		o = s.option(form.Value, 'vni', _('VNI'));
		o.datatype = 'range(1,16777215)';
		o.rmempty = false;

		o = s.option(form.Value, 'device', _('Underlay device'));
		o.validate = function(section_id, value) {
			return value == '' || /^[A-Za-z0-9_.@:-]{1,15}$/.test(value) || _('Expecting an interface name');
		};

		o = s.option(form.Value, 'local', _('Local VTEP address'));
		o.datatype = 'ipaddr';

		o = s.option(form.DynamicList, 'remote', _('Remote VTEPs'));
		o.datatype = 'ipaddr';
		o.rmempty = false;

		/* A list: one VNI may carry an IPv4 and an IPv6 subnet (a single option is a list of one). */
		o = s.option(form.DynamicList, 'address', _('Overlay addresses'), _('This router\'s addresses in the tenant subnets, ADDRESS/PREFIX (IPv4 and IPv6 allowed).'));
		o.datatype = 'cidr';
		o.placeholder = '192.0.2.100/24';

		o = s.option(form.Value, 'port', _('UDP port'));
		o.modalonly = true;
		o.datatype = 'port';
		o.placeholder = '4789';

		o = s.option(form.Value, 'mtu', _('MTU'));
		o.modalonly = true;
		o.datatype = 'range(576,9000)';
		o.placeholder = '1450';

		o = s.option(form.DynamicList, 'neighbor', _('Static neighbours'), _('"IP MAC", for example 192.0.2.10 02:00:00:00:00:0a.'));
		o.modalonly = true;
		o.validate = function(section_id, value) {
			return value == '' || /^\S+\s+[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/.test(value) || _('Expecting "IP MAC"');
		};

		o = s.option(form.Flag, 'learning', _('Learn remote MAC addresses'));
		o.modalonly = true;
		common.keepUntouched(o);

		return m.render().then(function(mapNode) {
			const hub = common.renderHubObjects(status);

			return hub ? common.el('div', [ mapNode, hub ]) : mapNode;
		});
	}
});
