'use strict';
'require view';
'require form';
'require uci';
'require edgelb.common as common';

/*
 * The connection to the central hub (config hub in /etc/config/edgelb) and what the hub has
 * delivered, which is read-only on this router.
 */

const ENDPOINT = /^tcp:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
const Z85_KEY = /^[0-9a-zA-Z.\-:+=^!\/*?&<>()\[\]{}@%$#]{40}$/;

/* Every value of the report goes in as text (common.el); see common.js. */
const el = L.bind(common.el, common);

/* A scalar of the report as text ('-' for none). */
function scalar(value) {
	return value == null ? '-' : String(value);
}

/*
 * The agent's hub report, whatever fields it carries: scalars as they are, and lists of objects
 * (the endpoints, each with its state and revision) as one line per item. All of it as text.
 */
function renderReport(report) {
	const rows = Object.keys(report).filter(function(key) {
		const v = report[key];

		return v == null || typeof(v) != 'object' || Array.isArray(v);
	}).map(function(key) {
		const v = report[key];
		const cell = !Array.isArray(v) ? scalar(v) : (v.length ? v.map(function(item, i) {
			const line = item != null && typeof(item) == 'object'
				? Object.keys(item).filter(function(k) { return item[k] == null || typeof(item[k]) != 'object'; })
					.map(function(k) { return k + ': ' + scalar(item[k]); }).join(', ')
				: scalar(item);

			return i ? [ el('br'), line ] : [ line ];
		}).reduce(function(all, part) { return all.concat(part); }, []) : '-');

		return el('tr', { 'class': 'tr' }, [
			el('td', { 'class': 'td left', 'width': '33%' }, key),
			el('td', { 'class': 'td left' }, cell)
		]);
	});

	return el('table', { 'class': 'table' }, rows);
}

return view.extend({
	load: function() {
		return Promise.all([ common.status(), uci.load('edgelb') ]);
	},

	render: function(data) {
		const status = data[0];
		let m, s, o;

		m = new form.Map('edgelb', _('Edge LB hub'),
			_('A hub manages the load balancers of many routers, for example from OpenStack Octavia. What it delivers runs beside the local configuration and is kept when the hub is out of reach.'));

		s = m.section(form.TypedSection, 'hub', _('Hub connection'));
		s.anonymous = true;
		s.addremove = true;
		common.single(s);

		o = s.option(form.Flag, 'enabled', _('Enabled'), _('Follow the hub. Needs an endpoint and the hub\'s key.'));
		o.default = '0';
		common.keepUntouched(o);

		o = s.option(form.DynamicList, 'endpoint', _('Endpoints'),
			_('tcp://HOST:PORT; with several, the newest configuration wins.'));
		o.placeholder = 'tcp://hub.example.net:5555';
		o.validate = function(section_id, value) {
			const m = ENDPOINT.exec(value || '');

			if (value == '' || value == null)
				return true;

			return (m != null && +m[2] >= 1 && +m[2] <= 65535) || _('Expecting tcp://HOST:PORT');
		};

		o = s.option(form.Value, 'server_key', _('Hub public key'), _('The hub\'s CURVE public key: 40 characters, Z85.'));
		o.validate = function(section_id, value) {
			return value == '' || Z85_KEY.test(value) || _('Expecting a 40-character Z85 key');
		};

		o = s.option(form.Value, 'agent_id', _('Agent id'), _('The name the hub knows this router by.'));
		o.validate = function(section_id, value) {
			return value == '' || /^[A-Za-z0-9_.-]{1,64}$/.test(value) || _('Expecting 1 to 64 letters, digits, _ . or -');
		};

		o = s.option(form.Value, 'key_file', _('Key file'), _('This router\'s CURVE key pair.'));
		o.placeholder = '/etc/edgelb/agent.key';
		o.validate = function(section_id, value) {
			return value == '' || /^\/\S*$/.test(value) || _('Expecting an absolute path');
		};

		return m.render().then(function(mapNode) {
			const nodes = [ mapNode ];
			const report = status.error == null ? status.hub : null;

			nodes.push(el('div', { 'class': 'cbi-section' }, [
				el('h3', _('As the agent reports it')),
				status.error != null
					? el('p', el('em', _('The agent\'s status cannot be read: %s').format(status.error)))
					: report != null && typeof(report) == 'object'
						? renderReport(report)
						: el('p', el('em', _('The agent reports no hub connection.')))
			]));

			if (status.error == null)
				nodes.push(common.renderHubObjects(status) ||
					el('div', { 'class': 'cbi-section' }, el('p', el('em', _('Nothing delivered by the hub is running.')))));

			return el('div', nodes);
		});
	}
});
