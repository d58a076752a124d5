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

/* Agent states as Octavia names them, with the colour of their badge. */
const STATUS_COLOURS = {
	ONLINE: '#2e7d32',
	NO_MONITOR: '#1565c0',
	DEGRADED: '#ef6c00',
	DRAINING: '#ef6c00',
	ERROR: '#c62828',
	OFFLINE: '#616161'
};

return baseclass.extend({
	/*
	 * The agent's status as luci.edgelb reports it. Never rejects: a failed ubus call (plugin
	 * missing, access denied) becomes { error, reason: 'rpc' } like the plugin's own errors.
	 */
	status: function() {
		return callStatus().catch(function(err) {
			return { error: String((err && err.message) || err), reason: 'rpc' };
		});
	},

	/* Whether an object of the status came from the hub; objects without "source" are local. */
	fromHub: function(object) {
		return object != null && object.source == 'hub';
	},

	/* A coloured badge with the status in words, so that colour is never the only clue. */
	badge: function(status, title) {
		const colour = STATUS_COLOURS[status] || '#616161';

		return E('span', {
			'class': 'edgelb-badge',
			'title': title || status,
			'style': 'display:inline-block;padding:0 .5em;border-radius:3px;color:#fff;font-weight:bold;' +
				'white-space:nowrap;background-color:' + colour
		}, status || '?');
	},

	/* The label that marks what the hub owns. */
	hubLabel: function() {
		return E('span', {
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
				ui.addNotification(null, E('p', problem), 'danger');
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
				ui.addNotification(null, E('p', _('%s is still used by: %s. Change or remove those first.')
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
			rows.push([ _('Listener'), l.id, '%s, %s, %s'.format(self.hostPort(l.address, l.port), l.mode, l.pool || '-') ]);
		});

		(status.pools || []).forEach(function(p) {
			if (self.fromHub(p))
				rows.push([ _('Pool'), p.id, '%s, %s'.format(p.lb_algorithm, p.protocol) ]);

			(p.members || []).filter(self.fromHub).forEach(function(m) {
				rows.push([ _('Member'), m.id, '%s, %s %d'.format(self.hostPort(m.address, m.protocol_port), _('weight'), m.weight) ]);
			});
		});

		if (!rows.length)
			return null;

		return E('div', { 'class': 'cbi-section' }, [
			E('h3', [ _('Delivered by the hub'), this.hubLabel() ]),
			E('div', { 'class': 'cbi-section-descr' },
				_('The hub manages these objects; the agent keeps them apart from /etc/config/edgelb, so they are shown here read-only.')),
			E('table', { 'class': 'table' }, [
				E('tr', { 'class': 'tr table-titles' }, [
					E('th', { 'class': 'th' }, _('Type')),
					E('th', { 'class': 'th' }, _('Id')),
					E('th', { 'class': 'th' }, _('Settings'))
				])
			].concat(rows.map(function(r) {
				return E('tr', { 'class': 'tr' }, r.map(function(cell) {
					return E('td', { 'class': 'td' }, cell);
				}));
			})))
		]);
	}
});
