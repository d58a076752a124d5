// Prints the translation template of luci-app-edgelb: every _('...') of its JavaScript and the
// titles of its menu, as LuCI's build/i18n-scan.pl collects them.
//   node i18n-scan.js LUCI_APP_DIR > LUCI_APP_DIR/po/templates/edgelb.pot
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(process.argv[2] || '.');
const found = new Map(); // msgid -> [ "file:line", ... ]

function note(msgid, file, line) {
	const where = path.relative(root, file) + ':' + line;
	if (!found.has(msgid))
		found.set(msgid, []);
	found.get(msgid).push(where);
}

function walk(dir, out) {
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory())
			walk(full, out);
		else
			out.push(full);
	}
	return out;
}

const literal = /\b_\(\s*('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")\s*[,)]/g;
for (const file of walk(path.join(root, 'htdocs'), []).filter(f => f.endsWith('.js')).sort()) {
	const source = fs.readFileSync(file, 'utf8');
	for (const m of source.matchAll(literal)) {
		const msgid = Function('"use strict"; return ' + m[1])();
		note(msgid, file, source.slice(0, m.index).split('\n').length);
	}
}

const menuDir = path.join(root, 'root/usr/share/luci/menu.d');
for (const file of fs.readdirSync(menuDir).map(f => path.join(menuDir, f)).sort()) {
	const menu = JSON.parse(fs.readFileSync(file, 'utf8'));
	for (const node of Object.values(menu))
		if (node.title)
			note(node.title, file, 1);
}

const aclDir = path.join(root, 'root/usr/share/rpcd/acl.d');
for (const file of fs.readdirSync(aclDir).map(f => path.join(aclDir, f)).sort()) {
	for (const group of Object.values(JSON.parse(fs.readFileSync(file, 'utf8'))))
		if (group.description)
			note(group.description, file, 1);
}

const quote = s => '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"';
let out = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8"\n';
for (const msgid of [...found.keys()].sort()) {
	out += '\n' + found.get(msgid).map(w => '#: ' + w + '\n').join('') + 'msgid ' + quote(msgid) + '\nmsgstr ""\n';
}
process.stdout.write(out);
