// Loads the edgelb views in the browser page (after luci-shim.js), renders each scenario into its
// own box and records checks: [{ scenario, check, ok, detail }] in #__result (base64 JSON).
// Hostile values: every string of /api/status and of the hub report carries markup, quotes,
// a javascript: URL and a newline, tagged with its path. A script or handler that runs calls
// window.__xss(path); no such call and no injected element may happen.
'use strict';

(function() {
	const hits = [];

	/* The page's clock: polls are 5 s apart because the harness says so, not because it waited. */
	let clock = 1700000000000;
	Date.now = function() { return clock; };
	window.__xss = function(tag) { hits.push(String(tag)); };

	function hostile(path) {
		return '<img src=x onerror=__xss("' + path + '")>"><script>__xss("' + path + '")</script>' +
			'<a href="javascript:__xss(\'' + path + '\')">' + path + '</a>\nline2 ' + path;
	}

	/* Every string becomes hostile; numbers and booleans stay, so that the views take their branches. */
	function poison(value, path) {
		if (typeof(value) == 'string')
			return hostile(path);
		if (Array.isArray(value))
			return value.map(function(v, i) { return poison(v, path + '[' + i + ']'); });
		if (value != null && typeof(value) == 'object') {
			const out = {};
			Object.keys(value).forEach(function(k) { out[k] = poison(value[k], path + '.' + k); });
			return out;
		}
		return value;
	}

	function history(rateIn, rateOut) {
		const samples = [];
		for (let i = 0; i < 60; i++)
			samples.push({ age_seconds: (59 - i) * 10, bytes_in: Math.round(i * 10 * rateIn), bytes_out: Math.round(i * 10 * rateOut), active_connections: i % 3 });
		return { interval_seconds: 10, samples: samples };
	}

	function baseStatus() {
		return {
			version: '0.9.0', transport: 'epoll', config: '/etc/config/edgelb', generation: 7,
			uptime_seconds: 3725, reloads: 3, reload_failures: 1,
			last_reload: { ok: false, at: 1700000000, error: 'rejected', errors: [ '/etc/config/edgelb:12: member bad' ], warnings: [ 'pool p has no members' ] },
			listeners: [
				{ id: 'web', address: '192.0.2.1', port: 80, mode: 'relay', protocol: 'TCP', pool: 'p', state: 'listening', source: 'local',
					active_connections: 2, total_connections: 9, rejected_connections: { cidr: 1, limit: 0, no_member: 0 }, timeouts: 0,
					connection_limit: 100, bytes_in: 5782, bytes_out: 4189 },
				{ id: 'hubweb', address: '2001:db8::1', port: 443, mode: 'relay', protocol: 'HTTP', pool: 'hp', state: 'listening', source: 'hub',
					active_connections: 0, total_connections: 0, bytes_in: 0, bytes_out: 0 }
			],
			pools: [
				{ id: 'p', lb_algorithm: 'ROUND_ROBIN', protocol: 'TCP', healthmonitor: 'hm', operating_status: 'DEGRADED', source: 'local',
					members: [
						{ id: 'm1', address: '192.0.2.10', protocol_port: 8080, weight: 1, backup: false, admin_state_up: true, drained: false,
							operating_status: 'ONLINE', source: 'local', active_connections: 1, total_connections: 5,
							last_check: { ok: true, active: true, detail: 'HTTP 200', at: 1700000000, age_seconds: 1.2 } },
						{ id: 'm2', address: '192.0.2.11', protocol_port: 8080, weight: 2, backup: true, admin_state_up: true, drained: true,
							operating_status: 'DRAINING', source: 'local', active_connections: 0, total_connections: 1,
							last_check: { ok: false, active: true, detail: 'connection refused', at: 1700000000, age_seconds: 185 } }
					] },
				{ id: 'hp', lb_algorithm: 'LEAST_CONNECTIONS', protocol: 'PROXY', operating_status: 'ONLINE', source: 'hub',
					members: [ { id: 'hm1', address: '2001:db8::10', protocol_port: 80, weight: 1, operating_status: 'ONLINE', source: 'hub',
						last_check: { ok: true, detail: 'ok', age_seconds: 0 } } ] }
			],
			removed_members: [ { id: 'old', address: '192.0.2.99', protocol_port: 80, active_connections: 1 } ],
			hub: { state: 'connected', endpoint: 'tcp://hub.example.net:5555', applied_revision: 4, last_error: 'none',
				endpoints: [ { endpoint: 'tcp://hub.example.net:5555', state: 'synced', instance: 'i-1', revision: 4 },
					{ endpoint: 'tcp://[2001:db8::5]:5555', state: 'syncing', instance: null, revision: 0 } ] }
		};
	}

	/* The hostile status; the hub's own objects keep source "hub" so that the hub tables show. */
	function hostileStatus() {
		const st = poison(baseStatus(), 'status');
		st.listeners[1].source = 'hub';
		st.pools[1].source = 'hub';
		st.pools[1].members[0].source = 'hub';
		st.hub[hostile('hub.key')] = hostile('hub.keyed');
		return st;
	}

	/*
	 * GET /api/status with two VRRP instances: one MASTER and healthy, 185 s since its last
	 * transition; one FAULT whose strings (id, reason, device, VIPs, listeners) are hostile.
	 */
	function vrrpStatus() {
		const st = baseStatus();
		const fault = poison({ id: 'x', device: 'x', vips: [ 'x' ], listeners: [ 'x' ], reason: 'x' }, 'status.vrrp[1]');
		st.vrrp = [
			{ id: 'web', state: 'MASTER', since: Math.floor(Date.now() / 1000) - 185, transitions: 3, device: 'eth1', virtual_router_id: 51,
				priority: 150, vips: [ '203.0.113.10/24', '2001:db8::10/64' ], listeners: [ 'web_relay' ], healthy: true,
				reason: 'holds the VIPs' },
			Object.assign(fault, { state: 'FAULT', since: 0, transitions: 7, virtual_router_id: 52, priority: 100, healthy: false })
		];
		return st;
	}

	const VRRP_TITLE = 'High availability (VRRP)';

	/* The VRRP section of a rendered status view (found by its heading), or null. */
	function vrrpSection(c) {
		const h = Array.prototype.filter.call(c.querySelectorAll('h3'), function(e) { return e.textContent == VRRP_TITLE; })[0];
		return h ? h.parentNode : null;
	}

	/* The cells of each row of the VRRP table, as text, and the state badges. */
	function vrrpRows(section) {
		return Array.prototype.map.call(section.querySelectorAll('tr.tr:not(.table-titles)'), function(tr) {
			const cells = {};
			Array.prototype.forEach.call(tr.querySelectorAll('td'), function(td) { cells[td.getAttribute('data-title')] = td; });
			return cells;
		});
	}

	/*
	 * GET /api/status with HTTP listeners, as StatusReport writes them: "protocol" and an "http"
	 * object. The first has a hostile id; the second's counters are hostile strings.
	 */
	function httpStatus() {
		const st = baseStatus();
		st.listeners[0] = Object.assign(st.listeners[0], { id: hostile('status.http[0].id'), protocol: 'HTTP', pool: 'hp',
			http: { requests: 120, responses: { '1xx': 0, '2xx': 100, '3xx': 5, '4xx': 10, '5xx': 5 }, request_errors: 3 } });
		st.listeners[1].protocol = 'TCP';
		st.listeners.push({ id: 'odd', address: '::', port: 8080, mode: 'relay', protocol: 'HTTP', pool: 'hp', state: 'listening',
			source: 'local', active_connections: 0, total_connections: 0, bytes_in: 0, bytes_out: 0,
			http: poison({ requests: 'x', responses: { '2xx': 'x', '5xx': 'x' }, request_errors: 'x' }, 'status.http[2]') });
		return st;
	}

	/* A listener of each protocol, with a stale insert_headers on the TCP one, and a pool of each. */
	const HTTP_UCI = {
		edgelb: [
			{ '.name': 'agent', '.type': 'agent', '.anonymous': true },
			{ '.name': 'web', '.type': 'listener', port: '80', pool: 'hp' },
			{ '.name': 'tcp', '.type': 'listener', port: '81', pool: 'tp', insert_headers: [ 'X-Forwarded-For' ] },
			{ '.name': 'hp', '.type': 'pool', protocol: 'HTTP' },
			{ '.name': 'tp', '.type': 'pool' }
		]
	};

	/* /etc/config/edgelb as it reads after the recorded changes: what Save & Apply writes. */
	function uciFile() {
		const sections = JSON.parse(JSON.stringify(window.__uci.edgelb));
		L.uci.changes.forEach(function(c) {
			const s = sections.filter(function(x) { return x['.name'] == c[1]; })[0];
			if (c[0] == 'set')
				s[c[2]] = c[3];
			else
				delete s[c[2]];
		});
		const quote = function(v) { return '\'' + String(v).replace(/'/g, '\'\\\'\'') + '\''; };
		return sections.map(function(s) {
			return [ 'config ' + s['.type'] + (s['.anonymous'] ? '' : ' ' + quote(s['.name'])) ].concat(
				Object.keys(s).filter(function(k) { return k.charAt(0) != '.'; }).map(function(k) {
					return Array.isArray(s[k]) ? s[k].map(function(v) { return '\tlist ' + k + ' ' + quote(v); }).join('\n')
						: '\toption ' + k + ' ' + quote(s[k]);
				})).join('\n');
		}).join('\n\n') + '\n';
	}

	/* The option of the map's section of a type. */
	function formOption(map, type, name) {
		const s = map.sections.filter(function(x) { return x.sectiontype == type; })[0];
		return s && s.children.filter(function(x) { return x.option == name; })[0];
	}

	const HOSTILE_UCI = {
		edgelb: [
			{ '.name': 'agent', '.type': 'agent', '.anonymous': true },
			{ '.name': 'a', '.type': 'listener', port: '80' },
			{ '.name': 'b', '.type': 'listener', address: '127.0.0.1', port: '80', enabled: '1' },
			{ '.name': 'c', '.type': 'listener', address: '::', port: '81', enabled: '0' },
			{ '.name': 'd', '.type': 'listener', address: '0.0.0.0', port: '81' },
			{ '.name': 'p', '.type': 'pool', lb_algorithm: hostile('uci.lb_algorithm'), protocol: hostile('uci.protocol') },
			{ '.name': 'hm', '.type': 'healthmonitor', type: hostile('uci.type') },
			{ '.name': 'm1', '.type': 'member', pool: 'p', address: '192.0.2.10', protocol_port: '80' },
			{ '.name': 'm2', '.type': 'member', pool: 'p', address: hostile('uci.address'), protocol_port: '80', weight: '3', enabled: 'yes' },
			{ '.name': 'hub', '.type': 'hub', '.anonymous': true }
		]
	};

	const checks = [];

	function check(scenario, name, ok, detail) {
		checks.push({ scenario: scenario, check: name, ok: !!ok, detail: detail == null ? '' : String(detail).slice(0, 600) });
	}

	/* Nothing but text where values went: no element a value could have brought. */
	function checkInert(scenario, box) {
		const injected = box.querySelectorAll('img, script, iframe, object, embed, a[href^="javascript"], [onerror], [onload]');
		check(scenario, 'no injected element', injected.length == 0,
			Array.prototype.map.call(injected, function(e) { return e.outerHTML; }).join(' '));
	}

	function checkLiteral(scenario, box, paths) {
		const text = box.textContent;
		const missing = paths.filter(function(p) { return text.indexOf(hostile(p)) < 0; });
		check(scenario, 'hostile values appear literally', missing.length == 0, 'missing: ' + missing.join(', '));
	}

	function checkFormats(scenario, box) {
		const text = box.textContent;
		const unrounded = /\d\.\d{3,}/.exec(text);
		check(scenario, 'rates are rounded', unrounded == null, unrounded && text.slice(Math.max(0, unrounded.index - 40), unrounded.index + 40));
		const longAge = /\d+h \d+m \d+s/.exec(text);
		check(scenario, 'ages are short', longAge == null, longAge && text.slice(Math.max(0, longAge.index - 40), longAge.index + 40));
	}

	function box(name) {
		const b = E('div', { 'id': 'scenario-' + name, 'class': 'scenario' });
		b.appendChild(E('h1', { 'class': 'scenario-title' }, [ 'Scenario: ' + name ]));
		const content = E('div', { 'class': 'scenario-content' });
		b.appendChild(content);
		document.getElementById('maincontent').appendChild(b);
		return content;
	}

	/* Loads and renders a view as LuCI's view class does: load(), render(), content of the box. */
	function renderView(name, container) {
		const View = L.require('view.edgelb.' + name);
		const v = new View();
		return Promise.resolve(v.load()).then(function(data) { return v.render(data); }).then(function(nodes) {
			L.dom.content(container, nodes);
			return v;
		});
	}

	function scenario(name, setup, run) {
		return function() {
			window.__rpc = {};
			window.__uci = HOSTILE_UCI;
			window.__input = {};
			L.readonly = false;
			L.uci.changes.length = 0;
			setup();
			const container = box(name);
			return Promise.resolve().then(function() { return run(container); }).catch(function(e) {
				check(name, 'renders without an exception', false, e && (e.stack || e.message || e));
			});
		};
	}

	const only = (/[#&]only=([\w-]+)/.exec(location.hash) || [])[1];

	const STATUS_TEXT = [ 'status.listeners[0].id', 'status.listeners[0].pool', 'status.listeners[0].state', 'status.listeners[0].protocol',
		'status.listeners[1].id', 'status.pools[0].id', 'status.pools[0].lb_algorithm', 'status.pools[0].healthmonitor',
		'status.pools[0].members[0].id', 'status.pools[0].members[0].last_check.detail', 'status.pools[0].members[1].id',
		'status.pools[0].operating_status', 'status.last_reload.errors[0]', 'status.last_reload.warnings[0]',
		'status.version', 'status.config', 'status.transport', 'status.removed_members[0].id' ];

	const scenarios = {
		'status-hostile': scenario('status-hostile', function() {
			window.__rpc.status = hostileStatus();
			/* GET /api/history: ten minutes of samples of the first listener, under its (hostile) id. */
			window.__rpc.history = { interval_seconds: 10, listeners: { [hostile('status.listeners[0].id')]: history(9.8, 7.1) } };
		}, function(c) {
			let view;
			return renderView('status', c).then(function(v) {
				view = v;
				checkInert('status-hostile', c);
				checkLiteral('status-hostile', c, STATUS_TEXT);
				checkFormats('status-hostile', c);
				const points = Array.prototype.map.call(c.querySelectorAll('polyline'), function(p) {
					return (p.getAttribute('points') || '').split(' ').filter(Boolean).length;
				});
				check('status-hostile', 'the traffic graph is full on open (agent history)', points.length && points[0] >= 50, 'points: ' + points.join(','));
				const ages = Array.prototype.map.call(c.querySelectorAll('small'), function(e) { return e.textContent; });
				check('status-hostile', 'a check 1 s ago reads "1s ago"', ages.indexOf('1s ago') >= 0, ages.join(' | '));
				check('status-hostile', 'a check 185 s ago reads "3m 5s ago"', ages.indexOf('3m 5s ago') >= 0, ages.join(' | '));
				const title = c.querySelector('svg title');
				check('status-hostile', 'the graph tooltip has a rounded peak', title && /^Peak \d+ B\/s/.test(title.textContent), title && title.textContent);
				check('status-hostile', 'no VRRP section without "vrrp" in the status', vrrpSection(c) == null,
					vrrpSection(c) && vrrpSection(c).outerHTML);
				check('status-hostile', 'a writable user gets working buttons',
					c.querySelectorAll('button').length >= 2 && c.querySelectorAll('button[disabled]').length == 0, '');
				/* The next poll, 5 s later: 2449.9 bytes in, 1779.4 out, under 1 KiB/s both. */
				clock += 5000;
				window.__rpc.status.listeners[0].bytes_in += 2449.9;
				window.__rpc.status.listeners[0].bytes_out += 1779.4;
				return view.refresh();
			}).then(function() {
				checkInert('status-hostile (after a poll)', c);
				checkFormats('status-hostile (after a poll)', c);
				const rates = Array.prototype.map.call(c.querySelectorAll('td[data-title^="Throughput"]'), function(e) { return e.textContent; });
				check('status-hostile (after a poll)', 'rates under 1 KiB/s read "490 B/s" and "356 B/s"',
					rates[0] == '↓ 490 B/s↑ 356 B/s', rates.join(' | '));
			});
		}),

		'status-vrrp': scenario('status-vrrp', function() {
			window.__rpc.status = vrrpStatus();
		}, function(c) {
			return renderView('status', c).then(function() {
				checkInert('status-vrrp', c);
				checkLiteral('status-vrrp', c, [ 'status.vrrp[1].id', 'status.vrrp[1].reason', 'status.vrrp[1].device',
					'status.vrrp[1].vips[0]', 'status.vrrp[1].listeners[0]' ]);
				const section = vrrpSection(c);
				check('status-vrrp', 'the "' + VRRP_TITLE + '" section is shown', section != null, c.textContent.slice(0, 600));
				if (section == null)
					return;
				const rows = vrrpRows(section);
				const text = function(row, title) { return row && row[title] ? row[title].textContent : null; };
				check('status-vrrp', 'one row per instance', rows.length == 2, section.innerHTML);
				const master = rows[0] || {}, fault = rows[1] || {};
				check('status-vrrp', 'the first row is instance "web", MASTER', text(master, 'Instance') == 'web' && text(master, 'State') == 'MASTER',
					text(master, 'Instance') + ' | ' + text(master, 'State'));
				check('status-vrrp', 'the second row is the hostile instance, FAULT',
					text(fault, 'Instance') == hostile('status.vrrp[1].id') && text(fault, 'State') == 'FAULT',
					text(fault, 'Instance') + ' | ' + text(fault, 'State'));
				const colour = function(row) {
					const b = row.State && row.State.querySelector('.edgelb-badge');
					return b ? b.style.backgroundColor : null;
				};
				check('status-vrrp', 'the states are badges: MASTER green, FAULT red',
					colour(master) == 'rgb(46, 125, 50)' && colour(fault) == 'rgb(198, 40, 40)', colour(master) + ' | ' + colour(fault));
				check('status-vrrp', 'a transition 185 s ago reads "3m 5s ago"', /3m 5s ago$/.test(text(master, 'Since')), text(master, 'Since'));
				check('status-vrrp', 'an unknown transition time (0) reads "—"', text(fault, 'Since') == '—', text(fault, 'Since'));
				check('status-vrrp', 'transitions, device and VRID, priority',
					text(master, 'Transitions') == '3' && text(master, 'Interface') == 'eth1 · VRID 51' && text(master, 'Priority') == '150'
						&& text(fault, 'Transitions') == '7' && text(fault, 'Priority') == '100',
					[ 'Transitions', 'Interface', 'Priority' ].map(function(t) { return text(master, t) + ' / ' + text(fault, t); }).join(' | '));
				check('status-vrrp', 'the VIPs and listeners are joined',
					text(master, 'Virtual IPs') == '203.0.113.10/24, 2001:db8::10/64' && text(master, 'Listeners') == 'web_relay',
					text(master, 'Virtual IPs') + ' | ' + text(master, 'Listeners'));
				check('status-vrrp', 'health reads "healthy" and "not healthy: <reason>"',
					/healthy$/.test(text(master, 'Health')) && !/not/.test(text(master, 'Health'))
						&& text(fault, 'Health').indexOf('not healthy: ' + hostile('status.vrrp[1].reason')) >= 0,
					text(master, 'Health') + ' | ' + text(fault, 'Health'));
			});
		}),

		/* Every string of the instances hostile, the state too: it is shown as unknown text. */
		'status-vrrp-hostile': scenario('status-vrrp-hostile', function() {
			const st = vrrpStatus();
			st.vrrp = poison(st.vrrp, 'status.vrrp');
			window.__rpc.status = st;
		}, function(c) {
			return renderView('status', c).then(function() {
				checkInert('status-vrrp-hostile', c);
				checkLiteral('status-vrrp-hostile', c, [ 'status.vrrp[0].id', 'status.vrrp[0].state', 'status.vrrp[0].device',
					'status.vrrp[0].vips[0]', 'status.vrrp[0].vips[1]', 'status.vrrp[0].listeners[0]', 'status.vrrp[1].state',
					'status.vrrp[1].reason' ]);
				const section = vrrpSection(c);
				check('status-vrrp-hostile', 'both instances are shown', section != null && vrrpRows(section).length == 2,
					section ? section.innerHTML : c.textContent.slice(0, 600));
			});
		}),

		'status-vrrp-empty': scenario('status-vrrp-empty', function() {
			const st = baseStatus();
			st.vrrp = [];
			window.__rpc.status = st;
		}, function(c) {
			return renderView('status', c).then(function() {
				check('status-vrrp-empty', 'no VRRP section when "vrrp" is empty', vrrpSection(c) == null,
					vrrpSection(c) && vrrpSection(c).outerHTML);
			});
		}),

		'status-readonly': scenario('status-readonly', function() {
			L.readonly = true;
			window.__rpc.status = hostileStatus();
			window.__rpc.drain = function() { throw new Error('Access denied\n    at handleMember (status.js:301:12)'); };
			window.__rpc.enable = window.__rpc.drain;
			window.__rpc.reload = window.__rpc.drain;
		}, function(c) {
			return renderView('status', c).then(function() {
				const buttons = Array.prototype.slice.call(c.querySelectorAll('button'));
				const live = buttons.filter(function(b) { return !b.disabled; });
				check('status-readonly', 'no enabled Drain/Enable/Reload button for a read-only user', live.length == 0,
					live.map(function(b) { return b.textContent; }).join(', '));
				buttons.forEach(function(b) { b.click(); });
				return new Promise(function(r) { setTimeout(r, 50); });
			}).then(function() {
				const notes = document.getElementById('notifications').textContent;
				check('status-readonly', 'no stack frame is shown', !/\bat \w+ \(|status\.js:\d+/.test(notes), notes);
			});
		}),

		'status-error': scenario('status-error', function() {
			window.__rpc.status = { error: hostile('error'), reason: 'unreachable', api: hostile('api') };
		}, function(c) {
			return renderView('status', c).then(function() {
				checkInert('status-error', c);
				const details = Array.prototype.filter.call(c.querySelectorAll('p'), function(p) { return /Details:/.test(p.textContent); })[0];
				check('status-error', 'the error box shows "Details:" with the reason', details && details.textContent.indexOf(hostile('error')) >= 0,
					details ? details.textContent : c.innerHTML);
			});
		}),

		'status-odd-reason': scenario('status-odd-reason', function() {
			window.__rpc.status = { error: hostile('odd'), reason: 'constructor' };
		}, function(c) {
			return renderView('status', c).then(function() {
				checkInert('status-odd-reason', c);
				check('status-odd-reason', 'an unknown reason gets the generic heading',
					c.textContent.indexOf('The agent\'s status cannot be read.') >= 0, c.textContent);
			});
		}),

		'status-rpc-failure': scenario('status-rpc-failure', function() {
			window.__rpc.status = function() { throw new Error('Access denied\n    at callStatus (rpc.js:1:1)'); };
		}, function(c) {
			return renderView('status', c).then(function() {
				const text = c.textContent;
				check('status-rpc-failure', 'the failed call is explained', /status call failed/.test(text), text);
				check('status-rpc-failure', 'no stack frame is shown', !/\bat \w+ \(/.test(text), text);
			});
		}),

		'status-http': scenario('status-http', function() {
			window.__rpc.status = httpStatus();
		}, function(c) {
			return renderView('status', c).then(function() {
				checkInert('status-http', c);
				checkLiteral('status-http', c, [ 'status.http[0].id' ]);
				const rows = Array.prototype.map.call(c.querySelectorAll('tr.tr:not(.table-titles)'), function(tr) {
					const cells = {};
					Array.prototype.forEach.call(tr.querySelectorAll('td'), function(td) { cells[td.getAttribute('data-title')] = td.textContent; });
					return cells;
				}).filter(function(r) { return r.Listener != null && r['HTTP requests'] != null; });
				const http = rows[0] || {}, tcp = rows[1] || {}, odd = rows[2] || {};
				check('status-http', 'the hostile HTTP listener\'s row has its id as text', http.Listener == hostile('status.http[0].id'), http.Listener);
				check('status-http', 'the protocol column reads HTTP and TCP', http.Protocol == 'HTTP' && tcp.Protocol == 'TCP',
					http.Protocol + ' | ' + tcp.Protocol);
				check('status-http', 'the HTTP counters: requests, responses by class (1xx only when some), request errors',
					http['HTTP requests'] == '120 requests2xx 100 · 3xx 5 · 4xx 10 · 5xx 53 request errors', http['HTTP requests']);
				check('status-http', 'a TCP listener has no HTTP counters', tcp['HTTP requests'] == '—', tcp['HTTP requests']);
				check('status-http', 'hostile counters read as 0', odd['HTTP requests'] == '0 requests2xx 0 · 3xx 0 · 4xx 0 · 5xx 00 request errors',
					odd['HTTP requests']);
			});
		}),

		'config-http': scenario('config-http', function() {
			window.__rpc.status = baseStatus();
			window.__uci = HTTP_UCI;
		}, function(c) {
			let file = '';
			return renderView('config', c).then(function() {
				const map = L.__lastMap;
				const headers = formOption(map, 'listener', 'insert_headers');
				const timeout = formOption(map, 'listener', 'timeout_http_request');
				const protocol = formOption(map, 'listener', 'protocol');
				check('config-http', 'the listener form has protocol TCP and HTTP, default TCP',
					protocol && JSON.stringify(protocol.choices.map(function(ch) { return ch[0]; })) == '["TCP","HTTP"]' && protocol.default == 'TCP',
					protocol && JSON.stringify(protocol.choices));
				check('config-http', 'insert_headers is a multi-value of the three X-Forwarded names',
					headers instanceof L.require('form').MultiValue &&
						JSON.stringify(headers.choices.map(function(ch) { return ch[0]; })) == '["X-Forwarded-For","X-Forwarded-Port","X-Forwarded-Proto"]',
					headers && JSON.stringify(headers.choices));
				check('config-http', 'insert_headers and the HTTP request timeout are hidden for a TCP listener',
					headers && timeout && !headers.isActive('web') && !timeout.isActive('web') && !headers.isActive('tcp'), '');
				const pool = formOption(map, 'pool', 'protocol');
				check('config-http', 'the pool form offers protocol HTTP', pool && pool.choices.some(function(ch) { return ch[0] == 'HTTP'; }),
					pool && JSON.stringify(pool.choices));
				const listenerPool = formOption(map, 'listener', 'pool');
				check('config-http', 'pool choices name their protocol', listenerPool && listenerPool.choices.some(function(ch) {
					return ch[0] == 'hp' && ch[1] == 'hp (ROUND_ROBIN, HTTP)'; }), listenerPool && JSON.stringify(listenerPool.choices));
				check('config-http', 'a TCP listener on an HTTP pool is refused', typeof(listenerPool.validate('web', 'hp')) == 'string',
					listenerPool.validate('web', 'hp'));
				check('config-http', 'an HTTP pool used by a TCP listener is refused', typeof(pool.validate('hp', 'HTTP')) == 'string',
					pool.validate('hp', 'HTTP'));
				window.__input = { 'web.protocol': 'HTTP' };
				check('config-http', 'choosing HTTP shows insert_headers and the HTTP request timeout',
					headers.isActive('web') && timeout.isActive('web') && !headers.isActive('tcp'), '');
				check('config-http', 'an HTTP listener on an HTTP pool is accepted', listenerPool.validate('web', 'hp') === true,
					listenerPool.validate('web', 'hp'));
				check('config-http', 'an HTTP listener on a TCP pool is refused', typeof(listenerPool.validate('web', 'tp')) == 'string',
					listenerPool.validate('web', 'tp'));
				window.__input = { 'web.protocol': 'HTTP', 'web.mode': 'dnat' };
				check('config-http', 'HTTP with DNAT is refused', typeof(protocol.validate('web', 'HTTP')) == 'string', protocol.validate('web', 'HTTP'));
				window.__input = { 'web.protocol': 'HTTP', 'web.insert_headers': [ 'X-Forwarded-For', 'X-Forwarded-Proto' ],
					'web.timeout_http_request': '5000' };
				L.uci.changes.length = 0;
				return map.save();
			}).then(function() {
				file = uciFile();
				const web = (/config listener 'web'\n((?:\t.*\n)*)/.exec(file) || [])[1] || '';
				const tcp = (/config listener 'tcp'\n((?:\t.*\n)*)/.exec(file) || [])[1] || '';
				check('config-http', 'saving writes option protocol \'HTTP\' and the list insert_headers',
					web.indexOf("\toption protocol 'HTTP'\n") >= 0 &&
						web.indexOf("\tlist insert_headers 'X-Forwarded-For'\n\tlist insert_headers 'X-Forwarded-Proto'\n") >= 0 &&
						web.indexOf("\toption timeout_http_request '5000'\n") >= 0, file);
				check('config-http', 'the TCP listener loses its stale insert_headers and gains no protocol',
					tcp.indexOf('insert_headers') < 0 && tcp.indexOf('protocol') < 0, file);
				check('config-http', 'nothing else changes', L.uci.changes.length == 4, JSON.stringify(L.uci.changes));
			});
		}),

		'hub-hostile': scenario('hub-hostile', function() {
			window.__rpc.status = hostileStatus();
		}, function(c) {
			return renderView('hub', c).then(function() {
				checkInert('hub-hostile', c);
				checkLiteral('hub-hostile', c, [ 'status.hub.state', 'status.hub.endpoint', 'status.hub.last_error', 'hub.key', 'hub.keyed',
					'status.hub.endpoints[0].endpoint', 'status.hub.endpoints[0].state', 'status.hub.endpoints[1].endpoint',
					'status.listeners[1].id', 'status.listeners[1].protocol', 'status.pools[1].id', 'status.pools[1].members[0].id' ]);
			});
		}),

		'hub-agent-down': scenario('hub-agent-down', function() {
			window.__rpc.status = { error: hostile('hub-error'), reason: 'unreachable' };
		}, function(c) {
			return renderView('hub', c).then(function() {
				checkInert('hub-agent-down', c);
				const text = c.textContent;
				check('hub-agent-down', 'the hub tab says why it cannot show the report',
					text.indexOf('The agent\'s status cannot be read: ' + hostile('hub-error')) >= 0, text);
			});
		}),

		'hub-nothing-delivered': scenario('hub-nothing-delivered', function() {
			const st = baseStatus();
			st.listeners = st.listeners.filter(function(l) { return l.source != 'hub'; });
			st.pools = st.pools.filter(function(p) { return p.source != 'hub'; });
			window.__rpc.status = st;
		}, function(c) {
			return renderView('hub', c).then(function() {
				check('hub-nothing-delivered', '"Nothing delivered by the hub is running." appears',
					c.textContent.indexOf('Nothing delivered by the hub is running.') >= 0, c.textContent);
			});
		}),

		'config': scenario('config', function() {
			window.__rpc.status = hostileStatus();
			/* GET /api/history: ten minutes of samples of the first listener, under its (hostile) id. */
			window.__rpc.history = { interval_seconds: 10, listeners: { [hostile('status.listeners[0].id')]: history(9.8, 7.1) } };
		}, function(c) {
			let view;
			return renderView('config', c).then(function(v) {
				view = v;
				checkInert('config', c);
				checkLiteral('config', c, [ 'status.listeners[1].id', 'status.pools[1].members[0].id' ]);
				/* Labels of choices come from UCI: no markup in them. */
				const labels = [];
				const map = L.__lastMap;
				check('config', 'the map was built', map != null, '');
				map.sections.forEach(function(s) {
					s.children.forEach(function(o) {
						o.choices.forEach(function(ch) { labels.push(String(ch[1])); });
					});
				});
				const marked = labels.filter(function(l) { return /[<>]/.test(l); });
				check('config', 'no choice label carries markup from UCI', marked.length == 0, marked.join(' | '));
				/* The grid shows effective defaults, not "none". */
				const weight = c.querySelector('tr[data-sid="m1"] td[data-name="weight"]');
				check('config', 'an unset weight shows its default 1', weight && weight.textContent.trim() == '1', weight && weight.innerHTML);
				const address = c.querySelector('tr[data-sid="a"] td[data-name="address"]');
				check('config', 'an unset listener address shows ::', address && address.textContent.trim() == '::', address && address.innerHTML);
				/* Two listeners on one address and port are caught in the form. */
				const port = function(sid) {
					const s = map.sections.filter(function(x) { return x.sectiontype == 'listener'; })[0];
					const o = s.children.filter(function(x) { return x.option == 'port'; })[0];
					return o.validate ? o.validate(sid, uci_get(sid, 'port')) : true;
				};
				check('config', 'listener b on 127.0.0.1:80 clashes with a on [::]:80', typeof(port('b')) == 'string', port('b'));
				check('config', 'listener a on [::]:80 clashes with b', typeof(port('a')) == 'string', port('a'));
				check('config', 'listener d on 0.0.0.0:81 is free (c is disabled)', port('d') === true, port('d'));
				window.__input = { 'd.port': '80' };
				check('config', 'moving d to 0.0.0.0:80 clashes', typeof(port('d')) == 'string', port('d'));
				window.__input = {};
				/* Save & Apply of the untouched form changes nothing. */
				L.uci.changes.length = 0;
				return map.save();
			}).then(function() {
				check('config', 'saving the untouched form changes nothing', L.uci.changes.length == 0, JSON.stringify(L.uci.changes));
				window.__input = { 'm1.enabled': '0' };
				L.uci.changes.length = 0;
				return L.__lastMap.save();
			}).then(function() {
				check('config', 'unticking one Enabled box changes that one option', JSON.stringify(L.uci.changes) == '[["set","m1","enabled","0"]]',
					JSON.stringify(L.uci.changes));
			});
		})
	};

	function uci_get(sid, opt) {
		const input = window.__input[sid + '.' + opt];
		return input !== undefined ? input : L.uci.get('edgelb', sid, opt);
	}

	/* The form's Map, kept so that the config scenario can save it. */
	const form = L.require('form');
	const MapClass = form.Map;
	form.Map = MapClass.extend({ __init__: function() { MapClass.prototype.__init__.apply(this, arguments); L.__lastMap = this; } });

	const names = Object.keys(scenarios).filter(function(n) { return only == null || n == only; });

	names.reduce(function(p, n) { return p.then(scenarios[n]); }, Promise.resolve()).then(function() {
		/* Let handlers of anything injected fire (image errors come after a task or two). */
		return new Promise(function(r) { setTimeout(r, 300); });
	}).then(function() {
		check('all', 'no injected script or handler ran', hits.length == 0, hits.slice(0, 20).join(', '));
		const out = E('pre', { 'id': '__result' }, [ btoa(unescape(encodeURIComponent(JSON.stringify(checks)))) ]);
		document.body.appendChild(out);
		document.title = 'done';
	});
})();
