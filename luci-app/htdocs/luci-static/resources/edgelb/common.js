'use strict';
'require baseclass';
'require rpc';
'require uci';
'require ui';

/*
 * What the three Edge LB pages share: the status call, the rules for section names in
 * /etc/config/edgelb, and the read-only list of objects that the hub delivered.
 */

const callStatus = rpc.declare({
	object: 'luci.edgelb',
	method: 'status',
	expect: { '': {} },
	reject: true
});

const callHistory = rpc.declare({
	object: 'luci.edgelb',
	method: 'history',
	expect: { '': {} },
	reject: true
});

/* Agent states as Octavia names them, with the colour of their badge. */
const STATUS_COLOURS = {
	ONLINE: '#2e7d32',
	NO_MONITOR: '#1565c0',
	DEGRADED: '#ef6c00',
	DRAINING: '#ef6c00',
	ERROR: '#c62828',
	OFFLINE: '#616161',
	/* VRRP states, in the same colours: holding the VIPs, standing by, broken. */
	MASTER: '#2e7d32',
	BACKUP: '#616161',
	FAULT: '#c62828'
};

/* Units of byte rates, as LuCI's '%1024.2m' names them. */
const RATE_UNITS = [ 'B/s', 'KiB/s', 'MiB/s', 'GiB/s', 'TiB/s' ];

/* A DOM node for one child: a Node stays, anything else becomes text, never markup. */
function textNode(value) {
	if (value != null && typeof(value) == 'object' && 'nodeType' in value)
		return value;

	return document.createTextNode(value == null ? '' : String(value));
}

return baseclass.extend({
	/*
	 * Every value from the agent, the hub or UCI goes into the page through these two, never
	 * through E(tag, string): LuCI's E() sets a lone string child as innerHTML, and passes a Node
	 * given as its second argument as the attributes, so that it never shows.
	 */

	/* value as a text node (a Node is returned as it is). */
	text: textNode,

	/*
	 * Like E(tag, attrs, children), but every child that is not a Node is text: children may
	 * be one value or an array, and attrs may be left out (a Node, string or array then is
	 * the children). Attribute values are set with setAttribute, so they stay text as well.
	 */
	el: function(tag, attrs, children) {
		if (attrs == null || typeof(attrs) != 'object' || Array.isArray(attrs) || 'nodeType' in attrs) {
			children = attrs;
			attrs = null;
		}

		const node = E(tag, attrs || {});

		(Array.isArray(children) ? children : [ children ]).forEach(function(child) {
			if (child != null && child !== '')
				node.appendChild(textNode(child));
		});

		return node;
	},

	/* A byte rate as other LuCI pages print it, rounded below 1 KiB/s as above it: "490 B/s", "1.50 KiB/s". */
	rate: function(bytesPerSecond) {
		if (bytesPerSecond == null || !isFinite(bytesPerSecond))
			return '…';

		let value = Math.max(0, +bytesPerSecond);
		let unit = 0;

		while (value >= 1023.5 && unit < RATE_UNITS.length - 1) {
			value /= 1024;
			unit++;
		}

		return (unit ? value.toFixed(2) : String(Math.round(value))) + ' ' + RATE_UNITS[unit];
	},

	/* An age or duration in the two largest units that are not zero: "1s", "3m 5s", "2h 4m", "3d 1h". */
	age: function(seconds) {
		let s = Math.max(0, Math.round(+seconds || 0));
		const parts = [ [ Math.floor(s / 86400), 'd' ], [ Math.floor(s / 3600) % 24, 'h' ],
			[ Math.floor(s / 60) % 60, 'm' ], [ s % 60, 's' ] ];
		let first = 0;

		while (first < parts.length - 1 && parts[first][0] == 0)
			first++;

		return parts.slice(first, first + 2).filter(function(p, i) { return i == 0 || p[0] > 0; })
			.map(function(p) { return p[0] + p[1]; }).join(' ');
	},

	/*
	 * Whether this user may change things: LuCI marks a view read-only when the user's ACL grants
	 * only the "read" part of luci-app-edgelb. Older LuCI without hasViewPermission: yes.
	 */
	writable: function() {
		return typeof(L.hasViewPermission) != 'function' || L.hasViewPermission() !== false;
	},

	/* What went wrong, for a notification: the first line of the message, never a stack frame. */
	errorText: function(err) {
		const text = String((err && err.message != null) ? err.message : (err != null ? err : ''));
		const first = text.split(/\r?\n/).filter(function(line) {
			return line.trim() != '' && !/^\s*at\s/.test(line);
		})[0];

		return first != null ? first.trim() : _('unknown error');
	},

	/*
	 * The agent's status as luci.edgelb reports it. Never rejects: a failed ubus call (plugin
	 * missing, access denied) becomes { error, reason: 'rpc' } like the plugin's own errors.
	 */
	status: function() {
		const self = this;

		return callStatus().catch(function(err) {
			return { error: self.errorText(err), reason: 'rpc' };
		});
	},

	/*
	 * Makes an option with a default (a Flag, a ListValue) write only when the user changed it: an
	 * untouched widget leaves the section as it was (no "option enabled '1'" or "option mode
	 * 'relay'" added, no "yes" rewritten), whatever rmempty says. The value in the file, or the
	 * default when there is none, is compared with the form's; flags as the agent reads booleans.
	 */
	keepUntouched: function(option) {
		const parse = option.parse;
		const flag = function(v) { return [ '1', 'on', 'true', 'yes', 'enabled' ].indexOf(String(v).toLowerCase()) >= 0; };

		option.parse = function(section_id) {
			if (!this.isActive(section_id))
				return parse.apply(this, arguments);

			const cval = this.cfgvalue(section_id);
			const was = cval == null || cval === '' ? this.default : cval;
			const now = this.formvalue(section_id);
			const same = this.enabled != null && this.disabled != null ? flag(now) == flag(was) : String(now) == String(was);

			if (same || now == null)
				return Promise.resolve();

			return Promise.resolve(this.write(section_id, now));
		};

		return option;
	},

	/*
	 * Makes the section table show an unset option as its effective default (the placeholder),
	 * greyed, instead of "none": an unset weight is 1, not nothing. Values stay text.
	 */
	showDefault: function(option) {
		const textvalue = option.textvalue;
		const self = this;

		option.textvalue = function(section_id) {
			const cval = this.cfgvalue(section_id);

			if (cval != null && cval !== '')
				return self.el('span', String(cval));

			return self.el('span', { 'style': 'opacity:.6', 'title': _('default') }, this.placeholder);
		};

		return option;
	},

	/* The address in one spelling, so that "::1" and "0:0::1" compare equal; null if it is none. */
	canonicalAddress: function(address) {
		const a = String(address == null || address === '' ? '::' : address).toLowerCase();
		let m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);

		if (m)
			return m.slice(1).some(function(x) { return +x > 255; }) ? null : m.slice(1).map(Number).join('.');

		if (a.indexOf(':') < 0)
			return null;

		let tail = [];
		m = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
		let head = a;

		if (m) {
			const v4 = this.canonicalAddress(m[2]);

			if (v4 == null)
				return null;

			const b = v4.split('.').map(Number);
			tail = [ (b[0] << 8 | b[1]).toString(16), (b[2] << 8 | b[3]).toString(16) ];
			head = m[1] + (m[1].slice(-2) == '::' ? '' : '0');
			head = head.replace(/:0$/, '');
		}

		const halves = head.split('::');

		if (halves.length > 2)
			return null;

		const groups = function(s) { return s == '' ? [] : s.split(':'); };
		const left = groups(halves[0]);
		const right = halves.length == 2 ? groups(halves[1]) : [];
		const fill = 8 - tail.length - left.length - right.length;

		if ((halves.length == 2 ? fill < 1 : fill != 0) || left.concat(right).some(function(g) { return !/^[0-9a-f]{1,4}$/.test(g); }))
			return null;

		const all = left.concat(new Array(halves.length == 2 ? fill : 0).fill('0'), right, tail)
			.map(function(g) { return parseInt(g, 16).toString(16); });

		/* An IPv4-mapped address is the IPv4 address, as Java's InetAddress reads it. */
		if (all.slice(0, 6).join(':') == '0:0:0:0:0:ffff')
			return [ parseInt(all[6], 16) >> 8, parseInt(all[6], 16) & 255, parseInt(all[7], 16) >> 8, parseInt(all[7], 16) & 255 ].join('.');

		return all.join(':');
	},

	/*
	 * Which other listener takes the same address and port as listener l, or null: the agent's
	 * rule (ConfigValidator.checkBindConflicts). Two relay listeners clash on the same port when
	 * the addresses are equal or either is a wildcard (:: or 0.0.0.0); when DNAT is involved, when
	 * the addresses are equal or the relay one is a wildcard. Disabled listeners take nothing.
	 * listeners: [ { id, address, port, mode, enabled } ].
	 */
	bindConflict: function(l, listeners) {
		const self = this;
		const enabled = function(x) { return x.enabled == null || x.enabled === '' || [ '1', 'on', 'true', 'yes', 'enabled' ].indexOf(String(x.enabled)) >= 0; };
		const wildcard = function(a) { return a == '0:0:0:0:0:0:0:0' || a == '0.0.0.0'; };

		if (!enabled(l) || l.port == null || l.port === '')
			return null;

		const a = this.canonicalAddress(l.address);

		return listeners.filter(function(o) {
			if (o.id == l.id || !enabled(o) || +o.port != +l.port)
				return false;

			const b = self.canonicalAddress(o.address);

			if (a == null || b == null)
				return false;

			const relayA = (l.mode || 'relay') == 'relay';
			const relayB = (o.mode || 'relay') == 'relay';

			if (relayA && relayB)
				return a == b || wildcard(a) || wildcard(b);

			return a == b || (relayA && wildcard(a)) || (relayB && wildcard(b));
		})[0] || null;
	},

	/*
	 * The agent's recent counters per listener (GET /api/history), or {} when there are none: an
	 * older agent, no access, a reply too large. The graph then starts empty, as before.
	 */
	history: function() {
		return callHistory().then(function(reply) {
			return reply != null && typeof(reply) == 'object' && reply.error == null ? reply : {};
		}).catch(function() {
			return {};
		});
	},

	/* Whether an object of the status came from the hub; objects without "source" are local. */
	fromHub: function(object) {
		return object != null && object.source == 'hub';
	},

	/* A coloured badge with the status in words, so that colour is never the only clue. */
	badge: function(status, title) {
		const colour = Object.prototype.hasOwnProperty.call(STATUS_COLOURS, status) ? STATUS_COLOURS[status] : '#616161';

		return this.el('span', {
			'class': 'edgelb-badge',
			'title': title || status,
			'style': 'display:inline-block;padding:0 .5em;border-radius:3px;color:#fff;font-weight:bold;' +
				'white-space:nowrap;max-width:16em;overflow:hidden;text-overflow:ellipsis;vertical-align:bottom;' +
				'background-color:' + colour
		}, status || '?');
	},

	/* The label that marks what the hub owns. */
	hubLabel: function() {
		return this.el('span', {
			'class': 'edgelb-hub',
			'title': _('Delivered by the hub: read-only here, change it at the hub'),
			'style': 'margin-left:.5em;padding:0 .4em;border:1px solid currentColor;border-radius:3px;font-size:85%'
		}, _('hub'));
	},

	/* host:port, with IPv6 addresses in brackets. */
	hostPort: function(address, port) {
		return (String(address).indexOf(':') >= 0 ? '[' + address + ']' : address) + ':' + port;
	},

	/* Null when name may be given to a new section of /etc/config/edgelb, else why not. */
	sectionNameProblem: function(name, maxLength) {
		if (!/^[A-Za-z0-9_]+$/.test(name))
			return _('A name may only hold letters, digits and _.');

		if (maxLength && name.length > maxLength)
			return _('A name may be at most %d characters long here: it also names the kernel link.').format(maxLength);

		if (uci.get('edgelb', name) != null)
			return _('The name "%s" is taken: section names must be unique in /etc/config/edgelb, whatever their type.').format(name);

		return null;
	},

	/* Makes a named GridSection check a new section's name before it adds the section. */
	guardNames: function(section, maxLength) {
		const self = this;
		const add = section.handleAdd;

		section.handleAdd = function(ev, name) {
			/* Older LuCI adds GridSection rows anonymously, without a name to check. */
			const problem = name == null ? null : self.sectionNameProblem(name, maxLength);

			if (problem) {
				ui.addNotification(null, self.el('p', problem), 'danger');
				return Promise.resolve();
			}

			return add.apply(this, [ ev, name ]);
		};
	},

	/*
	 * Refuses to remove a section that others name in one of their options, e.g. a pool that
	 * members still belong to: the agent would reject the whole file.
	 */
	guardReferences: function(section, references) {
		const self = this;
		const remove = section.handleRemove;

		section.handleRemove = function(section_id, ev) {
			const users = [];

			references.forEach(function(ref) {
				uci.sections('edgelb', ref[0]).forEach(function(s) {
					if (s[ref[1]] == section_id)
						users.push('%s %s'.format(ref[0], s['.name']));
				});
			});

			if (users.length) {
				ui.addNotification(null, self.el('p', _('%s is still used by: %s. Change or remove those first.')
					.format(section_id, users.join(', '))), 'danger');
				return Promise.resolve();
			}

			return remove.apply(this, [ section_id, ev ]);
		};
	},

	/* Lets a TypedSection hold one section at most: the add button goes once one exists. */
	single: function(section) {
		const renderAdd = section.renderSectionAdd;

		section.renderSectionAdd = function() {
			if (uci.sections('edgelb', section.sectiontype).length)
				return E([]);

			return renderAdd.apply(this, arguments);
		};
	},

	/* The listeners, pools and members that the hub delivered, read-only, or null if none. */
	renderHubObjects: function(status) {
		const self = this;
		const rows = [];

		(status.listeners || []).filter(this.fromHub).forEach(function(l) {
			rows.push([ _('Listener'), l.id, '%s, %s, %s, %s'.format(self.hostPort(l.address, l.port), l.mode,
				l.protocol || 'TCP', l.pool || '-') ]);
		});

		(status.pools || []).forEach(function(p) {
			if (self.fromHub(p))
				rows.push([ _('Pool'), p.id, '%s, %s'.format(p.lb_algorithm, p.protocol) ]);

			(p.members || []).filter(self.fromHub).forEach(function(m) {
				rows.push([ _('Member'), m.id, '%s, %s %s'.format(self.hostPort(m.address, m.protocol_port), _('weight'), m.weight) ]);
			});
		});

		if (!rows.length)
			return null;

		const el = L.bind(this.el, this);

		return el('div', { 'class': 'cbi-section' }, [
			el('h3', [ _('Delivered by the hub'), this.hubLabel() ]),
			el('div', { 'class': 'cbi-section-descr' },
				_('The hub manages these objects; the agent keeps them apart from /etc/config/edgelb, so they are shown here read-only.')),
			el('table', { 'class': 'table' }, [
				el('tr', { 'class': 'tr table-titles' }, [
					el('th', { 'class': 'th' }, _('Type')),
					el('th', { 'class': 'th' }, _('Id')),
					el('th', { 'class': 'th' }, _('Settings'))
				])
			].concat(rows.map(function(r) {
				return el('tr', { 'class': 'tr' }, r.map(function(cell) {
					return el('td', { 'class': 'td' }, cell);
				}));
			})))
		]);
	}
});
