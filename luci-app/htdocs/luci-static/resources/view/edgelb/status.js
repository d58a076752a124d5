'use strict';
'require view';
'require rpc';
'require poll';
'require ui';
'require dom';
'require edgelb.common as common';
'require edgelb.traffic as traffic';

/* Seconds between polls of the agent, and the span of the traffic graphs. */
const POLL_INTERVAL = 5;
const GRAPH_SPAN_MS = 10 * 60 * 1000;
const GRAPH_WIDTH = 120;
const GRAPH_HEIGHT = 28;
const SVG_NS = 'http://www.w3.org/2000/svg';

/* Every value of the status goes in as text (common.el); see common.js. */
const el = L.bind(common.el, common);

const callDrain = rpc.declare({
	object: 'luci.edgelb',
	method: 'drain',
	params: [ 'member' ],
	reject: true
});

const callEnable = rpc.declare({
	object: 'luci.edgelb',
	method: 'enable',
	params: [ 'member' ],
	reject: true
});

const callReload = rpc.declare({
	object: 'luci.edgelb',
	method: 'reload',
	reject: true
});

/* What to tell the user for each "reason" of the plugin's error objects. */
const TROUBLE = {
	disabled: [
		_('The agent is disabled.'),
		_('Tick "Enabled" in the agent settings on the Configuration page, then Save & Apply.')
	],
	stopped: [
		_('The edgelb service is not running.'),
		_('Start it under System → Startup or with "/etc/init.d/edgelb start"; "logread -e edgelb" tells why it stopped.')
	],
	unreachable: [
		_('The agent does not answer.'),
		_('It may still be starting. Otherwise check the agent\'s API address and "logread -e edgelb".')
	],
	timeout: [
		_('The agent did not answer in time.'),
		_('It may be overloaded or stuck; "logread -e edgelb" may tell why.')
	],
	no_client: [
		_('The router has no HTTP client to reach the agent with.'),
		_('Install uclient-fetch (or curl) and reload this page.')
	],
	too_large: [
		_('The status is too large to pass through rpcd.'),
		_('Run "edgelb status" on the router to see it.')
	],
	rpc: [
		_('The luci.edgelb status call failed.'),
		_('Right after installing the package, run "/etc/init.d/rpcd reload" and log in again.')
	]
};

function svg(tag, attrs, children) {
	const node = document.createElementNS(SVG_NS, tag);

	Object.keys(attrs || {}).forEach(function(name) {
		node.setAttribute(name, attrs[name]);
	});
	(children || []).forEach(function(child) {
		node.appendChild(child);
	});

	return node;
}

function rate(bytesPerSecond) {
	return common.rate(bytesPerSecond);
}

function table(titles, rows, empty) {
	const t = el('table', { 'class': 'table' }, [
		el('tr', { 'class': 'tr table-titles' }, titles.map(function(title) {
			return el('th', { 'class': 'th' }, title);
		}))
	]);

	rows.forEach(function(row) {
		t.appendChild(el('tr', { 'class': 'tr' }, row.map(function(cell, i) {
			return el('td', { 'class': 'td', 'data-title': titles[i] }, cell);
		})));
	});

	if (!rows.length && empty)
		t.appendChild(el('tr', { 'class': 'tr placeholder' }, el('td', { 'class': 'td' }, el('em', empty))));

	return t;
}

return view.extend({
	load: function() {
		return Promise.all([ common.status(), common.history() ]);
	},

	render: function(data) {
		const status = data[0];
		const agentHistory = data[1] || {};

		/* The agent's last ten minutes per listener: the graphs start full (used once, on open). */
		this.seeds = agentHistory.listeners != null && typeof(agentHistory.listeners) == 'object' ? agentHistory.listeners : {};
		this.histories = {};
		this.writable = common.writable();
		this.content = el('div');
		this.update(status);

		poll.add(L.bind(this.refresh, this), POLL_INTERVAL);

		return el('div', { 'class': 'cbi-map' }, [
			el('h2', _('Edge LB')),
			el('div', { 'class': 'cbi-map-descr' },
				_('The load-balancing agent as it runs now. The page updates every %d seconds.').format(POLL_INTERVAL)),
			this.content
		]);
	},

	refresh: function() {
		return common.status().then(L.bind(this.update, this));
	},

	update: function(status) {
		dom.content(this.content, status.error != null ? this.renderTrouble(status) : this.renderStatus(status));
	},

	renderTrouble: function(status) {
		/* reason is the plugin's word; anything else (even "constructor") gets the generic text. */
		const words = Object.prototype.hasOwnProperty.call(TROUBLE, status.reason) ? TROUBLE[status.reason]
			: [ _('The agent\'s status cannot be read.'), '' ];

		return el('div', { 'class': 'alert-message warning' }, [
			el('h4', words[0]),
			words[1] ? el('p', words[1]) : null,
			el('p', el('small', [ _('Details:'), ' ', status.error ]))
		]);
	},

	renderStatus: function(st) {
		const listeners = st.listeners || [];
		const pools = st.pools || [];
		const nodes = [ this.renderReload(st), this.renderAgent(st) ];
		const vrrp = Array.isArray(st.vrrp) ? st.vrrp.filter(function(v) { return v != null && typeof(v) == 'object'; }) : [];

		/* Who holds the VIPs matters even before any listener is configured. */
		if (vrrp.length)
			nodes.push(this.renderVrrp(vrrp));

		if (!listeners.length && !pools.length) {
			nodes.push(el('div', { 'class': 'cbi-section' }, el('p', el('em', [
				_('No listeners or pools are configured.'), ' ',
				el('a', { 'href': L.url('admin/services/edgelb/config') }, _('Add them on the Configuration page.'))
			]))));
			return nodes;
		}

		nodes.push(this.renderListeners(listeners));
		pools.forEach(L.bind(function(pool) {
			nodes.push(this.renderPool(pool));
		}, this));

		if ((st.removed_members || []).length)
			nodes.push(this.renderRemoved(st.removed_members));

		return nodes;
	},

	/* A rejected configuration is the one thing an operator must not miss: it goes on top. */
	renderReload: function(st) {
		const last = st.last_reload || {};
		const nodes = [];

		if (last.ok === false) {
			nodes.push(el('div', { 'class': 'alert-message error' }, [
				el('h4', _('The last configuration was rejected: generation %d stays in force.').format(st.generation)),
				el('ul', (last.errors || []).map(function(e) { return el('li', e); })),
				el('p', _('Correct /etc/config/edgelb (or the Configuration page) and reload.'))
			]));
		}

		if ((last.warnings || []).length) {
			nodes.push(el('div', { 'class': 'alert-message notice' }, [
				el('h4', _('Warnings about the configuration')),
				el('ul', last.warnings.map(function(w) { return el('li', w); }))
			]));
		}

		return el('div', nodes);
	},

	renderAgent: function(st) {
		const last = st.last_reload || {};
		const lastReload = last.at
			? '%s (%s)'.format(new Date(last.at * 1000).toLocaleString(), last.ok ? _('applied') : _('rejected'))
			: _('none yet');

		return el('div', { 'class': 'cbi-section' }, [
			el('h3', _('Agent')),
			el('table', { 'class': 'table' }, [
				[ _('Version'), st.version ],
				[ _('Transport'), st.transport == 'epoll' ? _('epoll (native)') : st.transport ],
				[ _('Configuration generation'), st.generation ],
				[ _('Configuration'), st.config ],
				[ _('Uptime'), common.age(st.uptime_seconds) ],
				[ _('Reloads'), _('%d applied, %d rejected').format(st.reloads || 0, st.reload_failures || 0) ],
				[ _('Last reload'), lastReload ]
			].map(function(row) {
				return el('tr', { 'class': 'tr' }, [
					el('td', { 'class': 'td left', 'width': '33%' }, row[0]),
					el('td', { 'class': 'td left' }, row[1] != null ? String(row[1]) : '-')
				]);
			})),
			this.writable ? el('div', { 'class': 'right' }, el('button', {
				'class': 'cbi-button cbi-button-apply',
				'title': _('Make the agent read /etc/config/edgelb again, as "/etc/init.d/edgelb reload" does'),
				'click': ui.createHandlerFn(this, 'handleReload')
			}, _('Reload configuration'))) : null
		]);
	},

	/* One row per VRRP instance; every string is the router's or an operator's text. */
	renderVrrp: function(instances) {
		const now = Date.now() / 1000;
		const list = function(values) {
			return Array.isArray(values) && values.length ? values.join(', ') : el('em', _('none'));
		};

		const rows = instances.map(function(v) {
			const age = Math.round(now - (+v.since || 0));
			const reason = v.reason != null && v.reason !== '' ? String(v.reason) : null;
			let health = '—';

			if (v.healthy === true)
				health = el('span', { 'title': reason }, [ el('span', { 'style': 'color:#2e7d32' }, '✔ '), _('healthy') ]);
			else if (v.healthy === false)
				health = el('span', [ el('span', { 'style': 'color:#c62828' }, '✘ '),
					reason != null ? _('not healthy: %s').format(reason) : _('not healthy') ]);

			return [
				el('strong', v.id),
				common.badge(v.state),
				+v.since > 0 ? el('span', [ new Date(v.since * 1000).toLocaleString(), el('br'),
					el('small', age < 1 ? _('just now') : _('%s ago').format(common.age(age))) ]) : '—',
				v.transitions != null ? String(v.transitions) : '—',
				[ v.device != null ? v.device : '—', ' · ', _('VRID %s').format(v.virtual_router_id != null ? v.virtual_router_id : '—') ],
				v.priority != null ? String(v.priority) : '—',
				list(v.vips),
				list(v.listeners),
				health
			];
		});

		return el('div', { 'class': 'cbi-section' }, [
			el('h3', _('High availability (VRRP)')),
			table([ _('Instance'), _('State'), _('Since'), _('Transitions'), _('Interface'), _('Priority'),
				_('Virtual IPs'), _('Listeners'), _('Health') ], rows, '')
		]);
	},

	renderListeners: function(listeners) {
		const now = Date.now();
		const seen = {};

		const rows = listeners.map(L.bind(function(l) {
			const history = this.histories[l.id] = this.histories[l.id] || [];
			if (!history.length && Object.prototype.hasOwnProperty.call(this.seeds, l.id))
				traffic.seed(history, this.seeds[l.id], now);

			const sample = traffic.update(history, l, now);
			const rejected = l.rejected_connections || {};
			const refused = Object.keys(rejected).reduce(function(sum, k) { return sum + (+rejected[k] || 0); }, 0);

			seen[l.id] = true;

			return [
				el('span', [ el('strong', l.id), common.fromHub(l) ? common.hubLabel() : null ]),
				common.hostPort(l.address, l.port),
				l.mode == 'dnat' ? _('DNAT (kernel)') : _('relay'),
				l.protocol != null && l.protocol !== '' ? String(l.protocol) : 'TCP',
				l.pool || el('em', _('none')),
				l.state == 'not listening' ? el('span', { 'style': 'color:#c62828' }, _('not listening')) : l.state,
				el('span', {
					'title': _('refused: %d (allowed_cidrs %d, limit %d, no member %d); timeouts: %d').format(refused,
						rejected.cidr || 0, rejected.limit || 0, rejected.no_member || 0, l.timeouts || 0)
				}, (l.active_connections == null && l.counts ? l.counts
					: '%d / %d'.format(l.active_connections || 0, l.total_connections || 0)) +
					(l.connection_limit > 0 ? ' (' + _('limit %d').format(l.connection_limit) + ')' : '')),
				el('span', { 'style': 'white-space:nowrap' }, [ '↓ ' + rate(sample.rateIn), el('br'), '↑ ' + rate(sample.rateOut) ]),
				this.renderHttp(l.http),
				this.renderGraph(history, now)
			];
		}, this));

		/* Listeners that went away take their history with them: the poll never grows without bound. */
		Object.keys(this.histories).forEach(L.bind(function(id) {
			if (!seen[id])
				delete this.histories[id];
		}, this));

		return el('div', { 'class': 'cbi-section' }, [
			el('h3', _('Listeners')),
			table([ _('Listener'), _('Address'), _('Mode'), _('Protocol'), _('Pool'), _('State'),
				_('Connections (active / total)'), _('Throughput (in / out)'), _('HTTP requests'), _('Traffic, last 10 minutes') ],
				rows, _('No listeners'))
		]);
	},

	/* An HTTP listener's counters (the status's "http" object): requests, responses by class, request errors. */
	renderHttp: function(http) {
		if (http == null || typeof(http) != 'object')
			return '—';

		const responses = http.responses != null && typeof(http.responses) == 'object' ? http.responses : {};
		const classes = [ '1xx', '2xx', '3xx', '4xx', '5xx' ].filter(function(c) {
			return c != '1xx' || +responses[c] > 0;
		}).map(function(c) {
			return '%s %d'.format(c, responses[c]);
		});

		return el('span', { 'style': 'white-space:nowrap' }, [
			_('%d requests').format(http.requests), el('br'),
			el('small', classes.join(' · ')), el('br'),
			el('small', _('%d request errors').format(http.request_errors))
		]);
	},

	renderGraph: function(history, now) {
		const g = traffic.graph(history, GRAPH_WIDTH, GRAPH_HEIGHT, GRAPH_SPAN_MS, now);

		return svg('svg', {
			'width': GRAPH_WIDTH, 'height': GRAPH_HEIGHT,
			'viewBox': '0 0 %d %d'.format(GRAPH_WIDTH, GRAPH_HEIGHT),
			'style': 'border:1px solid #ccc;background:#fafafa',
			'role': 'img'
		}, [
			svg('title', {}, [ document.createTextNode(_('Peak %s; blue: in, green: out').format(rate(g.peak))) ]),
			svg('polyline', { 'points': g.in, 'fill': 'none', 'stroke': '#1565c0', 'stroke-width': '1.5' }),
			svg('polyline', { 'points': g.out, 'fill': 'none', 'stroke': '#2e7d32', 'stroke-width': '1.5' })
		]);
	},

	renderPool: function(pool) {
		const rows = (pool.members || []).map(L.bind(function(m) {
			return [
				el('span', [ el('strong', m.id), m.backup ? ' (' + _('backup') + ')' : null, common.fromHub(m) ? common.hubLabel() : null ]),
				common.hostPort(m.address, m.protocol_port),
				common.badge(m.operating_status, m.drained ? _('drained by an operator') : null),
				String(m.weight),
				'%d / %d'.format(m.active_connections || 0, m.total_connections || 0),
				this.renderCheck(m.last_check || {}),
				this.renderActions(m)
			];
		}, this));

		const facts = [ pool.lb_algorithm, pool.protocol ];

		if (pool.healthmonitor)
			facts.push(_('health monitor %s').format(pool.healthmonitor));

		return el('div', { 'class': 'cbi-section' }, [
			el('h3', [ _('Pool %s').format(pool.id), ' ', common.badge(pool.operating_status),
				common.fromHub(pool) ? common.hubLabel() : null ]),
			el('div', { 'class': 'cbi-section-descr' }, facts.join(' · ')),
			table([ _('Member'), _('Address'), _('Status'), _('Weight'), _('Connections (active / total)'),
				_('Last check'), _('Actions') ], rows, _('This pool has no members'))
		]);
	},

	renderCheck: function(check) {
		if (check.ok == null)
			return el('em', _('not checked yet'));

		const age = Math.round(check.age_seconds || 0);

		return el('span', { 'title': check.active ? _('health check') : _('observed on a relayed connection') }, [
			el('span', { 'style': 'color:' + (check.ok ? '#2e7d32' : '#c62828') }, check.ok ? '✔ ' : '✘ '),
			check.detail || (check.ok ? _('passed') : _('failed')),
			el('br'),
			el('small', age < 1 ? _('just now') : _('%s ago').format(common.age(age)))
		]);
	},

	renderActions: function(m) {
		if (common.fromHub(m))
			return el('em', _('managed by the hub'));

		/* A read-only user sees what an operator could do, but cannot press it. */
		const readonly = this.writable ? {} : { 'disabled': 'disabled', 'title': _('Your login may not change the agent') };

		if (m.drained)
			return el('button', Object.assign({
				'class': 'cbi-button cbi-button-positive',
				'click': this.writable ? ui.createHandlerFn(this, 'handleMember', 'enable', m.id) : null
			}, readonly), _('Enable'));

		if (m.admin_state_up === false)
			return el('em', _('disabled in the configuration'));

		return el('button', Object.assign({
			'class': 'cbi-button cbi-button-negative',
			'title': _('Send no new connections to this member; open ones continue'),
			'click': this.writable ? ui.createHandlerFn(this, 'handleMember', 'drain', m.id) : null
		}, readonly), _('Drain'));
	},

	renderRemoved: function(members) {
		return el('div', { 'class': 'cbi-section' }, [
			el('h3', _('Removed members finishing their connections')),
			table([ _('Member'), _('Address'), _('Open connections') ], members.map(function(m) {
				return [ m.id, common.hostPort(m.address, m.protocol_port), String(m.active_connections || 0) ];
			}), '')
		]);
	},

	handleMember: function(action, id) {
		const call = action == 'drain' ? callDrain : callEnable;

		return call(id).then(function(reply) {
			if (!reply || reply.result !== true)
				throw new Error((reply && reply.error) || _('no answer'));
		}).catch(function(err) {
			ui.addNotification(null, el('p', (action == 'drain'
				? _('Could not drain member %s: %s') : _('Could not enable member %s: %s')).format(id, common.errorText(err))), 'danger');
		}).then(L.bind(this.refresh, this));
	},

	handleReload: function() {
		return callReload().then(function(reply) {
			if (reply && reply.result === true)
				ui.addNotification(null, el('p', _('Configuration generation %d is in force.')
					.format(reply.reload ? reply.reload.generation : 0)), 'info');
			else if (reply && reply.reason == 'rejected')
				ui.addNotification(null, el('p', _('The agent rejected the configuration and keeps running the previous one; the reasons are shown on this page.')), 'danger');
			else
				throw new Error((reply && reply.error) || _('no answer'));
		}).catch(function(err) {
			ui.addNotification(null, el('p', _('Could not reload: %s').format(common.errorText(err))), 'danger');
		}).then(L.bind(this.refresh, this));
	},

	handleSave: null,
	handleSaveApply: null,
	handleReset: null
});
