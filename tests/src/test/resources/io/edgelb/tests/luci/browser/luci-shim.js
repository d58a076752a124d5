// A small stand-in for LuCI's runtime (luci.js, rpc, uci, ui, form), enough to load the edgelb
// views in a real browser. Written for these tests, after luci.js's documented behaviour where it
// matters for safety:
//  - E(tag, attrs, children): when attrs is not an Object or is an Array it is the children; any
//    other object (a DOM Node too) is the attributes, so E('p', E('em', 'x')) renders an empty <p>;
//  - children: a Node is appended; an array appends Nodes and turns every other value into a text
//    node; a function is called with the node; ANY OTHER VALUE (a lone string) becomes innerHTML;
//  - attribute values: a function is an event listener, an object is set as JSON, null is skipped;
//  - '%t'.format() prints "%dh %dm %ds" (with "%dd " first past a day), and '%1024.2m' leaves
//    values below the base unrounded, as LuCI does.
// rpc calls are answered from window.__rpc (per method: a value, or a function of the arguments).
'use strict';

(function() {
	function isNode(v) {
		return v != null && typeof(v) == 'object' && 'nodeType' in v;
	}

	const dom = {
		elem: isNode,

		parse: function(html) {
			const t = document.createElement('template');
			t.innerHTML = html;
			return t.content.firstChild;
		},

		attr: function(node, key, val) {
			let attrs = null;

			if (key != null && typeof(key) == 'object')
				attrs = key;
			else if (typeof(key) == 'string')
				attrs = { [key]: val };

			for (const name in attrs) {
				if (!Object.prototype.hasOwnProperty.call(attrs, name) || attrs[name] == null)
					continue;

				const v = attrs[name];

				if (typeof(v) == 'function')
					node.addEventListener(name, v);
				else if (typeof(v) == 'object')
					node.setAttribute(name, JSON.stringify(v));
				else
					node.setAttribute(name, v);
			}
		},

		append: function(node, children) {
			if (!isNode(node))
				return null;

			if (Array.isArray(children)) {
				children.forEach(function(c) {
					if (isNode(c))
						node.appendChild(c);
					else if (c != null)
						node.appendChild(document.createTextNode(String(c)));
				});
				return node.lastChild;
			}

			if (typeof(children) == 'function')
				return this.append(node, children(node));

			if (isNode(children))
				return node.appendChild(children);

			if (children != null) {
				node.innerHTML = String(children);
				return node.lastChild;
			}

			return null;
		},

		content: function(node, children) {
			if (!isNode(node))
				return null;

			while (node.firstChild)
				node.removeChild(node.firstChild);

			return this.append(node, children);
		},

		create: function(html, attr, data) {
			let node;

			if (!(attr instanceof Object) || Array.isArray(attr)) {
				data = attr;
				attr = null;
			}

			if (Array.isArray(html)) {
				node = document.createDocumentFragment();
				html.forEach(function(h) { node.appendChild(dom.create(h)); });
			}
			else if (isNode(html))
				node = html;
			else if (html.charCodeAt(0) == 60)
				node = this.parse(html);
			else
				node = document.createElement(html);

			this.attr(node, attr);
			this.append(node, data);

			return node;
		}
	};

	window.E = function() {
		return dom.create.apply(dom, arguments);
	};

	window._ = function(s) { return s; };
	window.N_ = function(n, s1, s2) { return n == 1 ? s1 : s2; };

	/* String.format as luci.js: %s %d %f %x %h %q %t %m and %%, with width and precision. */
	String.prototype.format = function() {
		const args = Array.prototype.slice.call(arguments);
		const html = { '&': '&#38;', '"': '&#34;', '\'': '&#39;', '<': '&#60;', '>': '&#62;' };

		return String(this).replace(/%(?:(\d+)?(?:\.(\d+))?)([%sdfxXhqtm])/g, function(all, width, precision, type) {
			if (type == '%')
				return '%';

			const v = args.shift();

			switch (type) {
			case 's': return String(v);
			case 'd': return String(Math.floor(+v || 0));
			case 'f': return (+v || 0).toFixed(precision != null ? +precision : 6);
			case 'x': return Math.floor(+v || 0).toString(16);
			case 'X': return Math.floor(+v || 0).toString(16).toUpperCase();
			case 'h':
			case 'q': return String(v).replace(/[&"'<>]/g, function(c) { return html[c]; });
			case 't': {
				let s = Math.floor(+v || 0), m = 0, h = 0, d = 0;
				if (s > 59) { m = Math.floor(s / 60); s %= 60; }
				if (m > 59) { h = Math.floor(m / 60); m %= 60; }
				if (h > 23) { d = Math.floor(h / 24); h %= 24; }
				return (d > 0 ? d + 'd ' : '') + h + 'h ' + m + 'm ' + s + 's';
			}
			case 'm': {
				const base = width ? +width : 1000;
				const units = [ ' ', ' K', ' M', ' G', ' T', ' P', ' E' ];
				let value = +v || 0, i = 0;
				while (i < units.length - 1 && value > base) { value /= base; i++; }
				return i ? value.toFixed(precision != null ? +precision : 2) + units[i] + (base == 1024 ? 'i' : '') : value + units[0];
			}
			}
			return all;
		});
	};

	/* Classes: extend() makes a constructor whose prototype holds the given members. */
	function extend(base, proto) {
		function Class() {
			if (typeof(this.__init__) == 'function')
				this.__init__.apply(this, arguments);
		}
		Class.prototype = Object.assign(Object.create(base.prototype), proto);
		Class.extend = function(p) { return extend(Class, p); };
		return Class;
	}

	function Base() {}
	Base.extend = function(p) { return extend(Base, p); };

	const L = window.L = {
		env: {},
		readonly: false,
		bind: function(fn, self) {
			const bound = Array.prototype.slice.call(arguments, 2);
			return function() { return fn.apply(self, bound.concat(Array.prototype.slice.call(arguments))); };
		},
		url: function() { return '/cgi-bin/luci/' + Array.prototype.slice.call(arguments).join('/'); },
		isObject: function(v) { return v != null && typeof(v) == 'object'; },
		resolveDefault: function(p, d) { return Promise.resolve(p).catch(function() { return d; }); },
		/* LuCI: null without a node spec, false when the user's ACL gives this view read-only. */
		hasViewPermission: function() { return !L.readonly; },
		dom: dom
	};

	/* rpc: each declared call answers from window.__rpc[method]. */
	const rpc = {
		declare: function(spec) {
			return function() {
				const args = Array.prototype.slice.call(arguments);
				window.__calls = (window.__calls || []).concat([ spec.method ]);
				return new Promise(function(resolve, reject) {
					const answer = (window.__rpc || {})[spec.method];
					try {
						const v = typeof(answer) == 'function' ? answer.apply(null, args) : answer;
						resolve(v === undefined ? {} : v);
					}
					catch (e) {
						reject(e);
					}
				});
			};
		}
	};

	/* uci: sections from window.__uci = { edgelb: [ { '.name', '.type', options... } ] }; changes recorded. */
	const uci = {
		changes: [],
		load: function() { return Promise.resolve(); },
		sections: function(conf, type) {
			return ((window.__uci || {})[conf] || []).filter(function(s) { return type == null || s['.type'] == type; });
		},
		get: function(conf, sid, opt) {
			const s = this.sections(conf).filter(function(x) { return x['.name'] == sid; })[0];
			return s == null ? null : (opt == null ? s : (s[opt] != null ? s[opt] : null));
		},
		set: function(conf, sid, opt, val) { this.changes.push([ 'set', sid, opt, val ]); },
		unset: function(conf, sid, opt) {
			if (this.get(conf, sid, opt) != null)
				this.changes.push([ 'unset', sid, opt ]);
		}
	};

	/* ui: notifications go to #notifications, as LuCI shows them above the view. */
	const ui = {
		addNotification: function(title, children, cls) {
			const box = E('div', { 'class': 'alert-message ' + (cls || '') });
			dom.append(box, children);
			document.getElementById('notifications').appendChild(box);
			return box;
		},
		showModal: function(title, children) { return this.addNotification(title, children, 'modal'); },
		createHandlerFn: function(ctx, fn) {
			const bound = Array.prototype.slice.call(arguments, 2);
			return function(ev) {
				const f = typeof(fn) == 'string' ? ctx[fn] : fn;
				return Promise.resolve(f.apply(ctx, bound.concat([ ev ])));
			};
		}
	};

	/*
	 * form: enough of LuCI's form.js to build the views' maps. Options keep LuCI's parse and
	 * textvalue rules: a Flag writes its value unless it equals the default and rmempty is set;
	 * a table cell shows textvalue (cfgvalue or default, HTML-escaped) or "none". depends() as
	 * LuCI's: an option is shown (active) when any of its dependency sets holds, a set holding
	 * when every named option is active and has the value ('!reverse' inverts the set); an
	 * inactive option is removed on save. A MultiValue's value is an array (a UCI list).
	 */
	function same(a, b) {
		return Array.isArray(a) || Array.isArray(b) ? JSON.stringify(a) == JSON.stringify(b) : a == b;
	}

	const AbstractValue = Base.extend({
		__init__: function(section, option, title) {
			this.section = section;
			this.option = option;
			this.title = title;
			this.rmempty = true;
			this.default = null;
			this.choices = [];
			this.deps = [];
		},
		value: function(key, label) { this.choices.push([ key, label != null ? label : key ]); },
		depends: function(field, value) {
			this.deps.push(typeof(field) == 'object' ? Object.assign({}, field) : { [field]: value });
		},
		isActive: function(sid) {
			const section = this.section;

			return this.deps.length == 0 || this.deps.some(function(set) {
				const holds = Object.keys(set).filter(function(k) { return k.charAt(0) != '!'; }).every(function(k) {
					const o = section.children.filter(function(c) { return c.option == k; })[0];
					return o != null && o.isActive(sid) && String(o.formvalue(sid)) == String(set[k]);
				});
				return set['!reverse'] ? !holds : holds;
			});
		},
		cfgvalue: function(sid) { return uci.get('edgelb', sid, this.option); },
		/* What the widget holds: the test's input, else what LuCI shows (the value or the default). */
		formvalue: function(sid) {
			const input = (window.__input || {})[sid + '.' + this.option];
			if (input !== undefined)
				return input;
			const c = this.cfgvalue(sid);
			return c != null ? c : this.default;
		},
		write: function(sid, v) { uci.set('edgelb', sid, this.option, v); },
		remove: function(sid) { uci.unset('edgelb', sid, this.option); },
		parse: function(sid) {
			if (!this.isActive(sid))
				return Promise.resolve(this.remove(sid));
			const f = this.formvalue(sid);
			if (this.rmempty && (f == null || f === '' || (Array.isArray(f) && !f.length) || (this.isFlag && f == this.default)))
				return Promise.resolve(this.remove(sid));
			if (same(f, this.cfgvalue(sid)))
				return Promise.resolve();
			return Promise.resolve(this.write(sid, f));
		},
		textvalue: function(sid) {
			let c = this.cfgvalue(sid);
			if (c == null)
				c = this.default;
			return c != null ? '%h'.format(c) : null;
		}
	});

	const form = {
		AbstractValue: AbstractValue,
		Value: AbstractValue.extend({}),
		ListValue: AbstractValue.extend({}),
		DynamicList: AbstractValue.extend({}),
		MultiValue: AbstractValue.extend({
			isMulti: true,
			cfgvalue: function(sid) {
				const v = uci.get('edgelb', sid, this.option);
				return v == null ? null : (Array.isArray(v) ? v : String(v).split(/\s+/).filter(Boolean));
			},
			textvalue: function(sid) {
				const v = this.cfgvalue(sid);
				return v != null ? '%h'.format(v.join(', ')) : null;
			}
		}),
		Flag: AbstractValue.extend({ isFlag: true, default: '0' }),
		TypedSection: Base.extend({}),
		GridSection: Base.extend({}),
		NamedSection: Base.extend({})
	};
	form.Flag.prototype.__init__ = function() {
		AbstractValue.prototype.__init__.apply(this, arguments);
		this.default = '0';
		this.enabled = '1';
		this.disabled = '0';
	};

	const Section = Base.extend({
		__init__: function(map, kind, type, title) {
			this.map = map;
			this.kind = kind;
			this.sectiontype = type;
			this.title = title;
			this.children = [];
		},
		tab: function() {},
		option: function(Class, name, title) {
			const o = new Class(this, name, title);
			this.children.push(o);
			return o;
		},
		taboption: function(tab, Class, name, title) { return this.option(Class, name, title); },
		formvalue: function(sid, name) {
			const o = this.children.filter(function(c) { return c.option == name; })[0];
			return o ? o.formvalue(sid) : null;
		},
		handleAdd: function() { return Promise.resolve(); },
		handleRemove: function() { return Promise.resolve(); },
		renderSectionAdd: function() { return E('div'); },
		/* The table of a GridSection, as LuCI renders its cells: textvalue, or <em>none</em>. */
		render: function() {
			const self = this;
			const rows = uci.sections('edgelb', this.sectiontype).map(function(s) {
				return E('tr', { 'class': 'tr', 'data-sid': s['.name'] }, self.children.filter(function(o) {
					return !o.modalonly;
				}).map(function(o) {
					const v = o.textvalue(s['.name']);
					return E('td', { 'class': 'td', 'data-name': o.option }, v != null ? v : E('em', _('none')));
				}));
			});
			return E('div', { 'class': 'cbi-section', 'data-type': this.sectiontype }, [ E('h3', [ this.title ]), E('table', rows) ]);
		}
	});

	form.Map = Base.extend({
		__init__: function(config, title, description) {
			this.config = config;
			this.title = title;
			this.sections = [];
		},
		section: function(Class, type, title) {
			const s = new Section(this, Class, type, title);
			this.sections.push(s);
			return s;
		},
		render: function() {
			return Promise.resolve(E('div', { 'class': 'cbi-map' }, [ E('h2', [ this.title ]) ].concat(
				this.sections.map(function(s) { return s.render(); }))));
		},
		/* Save: every option of every section parses, as LuCI's Map.save does. */
		save: function() {
			const tasks = [];
			this.sections.forEach(function(s) {
				uci.sections('edgelb', s.sectiontype).forEach(function(sec) {
					s.children.forEach(function(o) { tasks.push(o.parse(sec['.name'])); });
				});
			});
			return Promise.all(tasks);
		}
	});

	const view = { extend: function(p) { return Base.extend(p); } };
	const poll = { added: [], add: function(fn, interval) { this.added.push(fn); return true; } };

	const builtins = { baseclass: Base, dom: dom, rpc: rpc, uci: uci, ui: ui, form: form, view: view, poll: poll };

	/* require(): compiles a file as luci.js does ('require NAME [as ALIAS]' become parameters). */
	const classes = {};

	L.require = function(name) {
		if (builtins[name])
			return builtins[name];

		if (classes[name])
			return classes[name];

		const source = (window.__sources || {})[name];

		if (source == null)
			throw new Error('no source for ' + name);

		const names = [], values = [];
		const prologue = /^\s*(?:\/\/[^\n]*\n|\/\*[\s\S]*?\*\/|\s)*(['"])((?:use strict|require [^'"]+))\1;?/;
		let rest = source;

		for (let m = prologue.exec(rest); m; m = prologue.exec(rest)) {
			const r = /^require[ \t]+(\S+)(?:[ \t]+as[ \t]+([a-zA-Z_]\S*))?$/.exec(m[2]);
			if (r) {
				names.push(r[2] || r[1].replace(/[^a-zA-Z0-9_]/g, '_'));
				values.push(L.require(r[1]));
			}
			rest = rest.slice(m[0].length);
		}

		const Class = new Function(...[ 'window', 'document', 'L' ].concat(names), source)
			.apply(null, [ window, document, L ].concat(values));

		return (classes[name] = name.indexOf('view.') == 0 ? Class : new Class());
	};

	L.ui = ui;
	L.uci = uci;
	L.poll = poll;
})();
