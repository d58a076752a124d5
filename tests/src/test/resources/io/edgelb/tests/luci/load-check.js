// Compiles each LuCI JavaScript file the way luci.js require() does: the 'require NAME [as ALIAS]'
// prologue becomes parameters of a function whose body is the file. Nothing is executed.
// Prints one JSON line per file: { file, ok, error, requires: [NAME...] }.
'use strict';
const fs = require('fs');

function requires(source) {
	// luci.js reads the leading string statements: 'use strict' and 'require ...' only.
	const names = [];
	const prologue = /^\s*(?:\/\/[^\n]*\n|\/\*[\s\S]*?\*\/|\s)*(['"])((?:use strict|require [^'"]+))\1;?/;
	let rest = source;
	for (let m = prologue.exec(rest); m; m = prologue.exec(rest)) {
		const r = /^require[ \t]+(\S+)(?:[ \t]+as[ \t]+([a-zA-Z_]\S*))?$/.exec(m[2]);
		if (r)
			names.push({ name: r[1], as: r[2] || r[1].replace(/[^a-zA-Z0-9_]/g, '_') });
		rest = rest.slice(m[0].length);
	}
	return names;
}

for (const file of process.argv.slice(2)) {
	const source = fs.readFileSync(file, 'utf8');
	const deps = requires(source);
	const result = { file: file, ok: true, error: null, requires: deps.map(d => d.name) };
	try {
		new Function(...[ 'window', 'document', 'L' ].concat(deps.map(d => d.as)), source);
	}
	catch (e) {
		result.ok = false;
		result.error = e.name + ': ' + e.message;
	}
	console.log(JSON.stringify(result));
}
