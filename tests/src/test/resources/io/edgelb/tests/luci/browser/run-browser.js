// Builds one page from luci-shim.js, the edgelb views and harness.js, loads it in headless
// Chromium and prints the harness's checks as JSON. With a third argument, also saves a
// screenshot of the status view with hostile values there.
//   node run-browser.js LUCI_RESOURCES_DIR WORK_DIR [SCREENSHOT.png]
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const [ resources, work, screenshot ] = process.argv.slice(2);
const here = __dirname;
const chromium = process.env.CHROMIUM || 'chromium';

const modules = {
	'edgelb.common': 'edgelb/common.js',
	'edgelb.traffic': 'edgelb/traffic.js',
	'view.edgelb.status': 'view/edgelb/status.js',
	'view.edgelb.hub': 'view/edgelb/hub.js',
	'view.edgelb.config': 'view/edgelb/config.js'
};
const sources = {};
for (const [ name, file ] of Object.entries(modules))
	sources[name] = fs.readFileSync(path.join(resources, file), 'utf8');

/* JSON inside <script>: no "</script>" or "<!--" can end or change the element. */
const inline = s => JSON.stringify(s).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
const script = file => fs.readFileSync(path.join(here, file), 'utf8').replace(/<\/script/gi, '<\\/script');

const page = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>edgelb views</title>
<style>
body { font-family: sans-serif; font-size: 13px; margin: 1em; }
.scenario { border-top: 3px solid #999; margin-top: 1em; }
.table { border-collapse: collapse; margin: .5em 0; }
.td, .th { border: 1px solid #ddd; padding: 2px 6px; vertical-align: top; text-align: left; }
.alert-message { border: 1px solid #c62828; padding: .5em; margin: .5em 0; background: #fff3f3; }
.alert-message.notice { border-color: #ef6c00; background: #fff8e1; }
.alert-message.warning { border-color: #ef6c00; background: #fff8e1; }
</style></head>
<body><div id="notifications"></div><div id="maincontent"><div id="view"></div></div>
<script>window.__sources = ${inline(sources)};</script>
<script>${script('luci-shim.js')}</script>
<script>${script('harness.js')}</script>
</body></html>
`;

fs.mkdirSync(work, { recursive: true });
const file = path.join(work, 'views.html');
fs.writeFileSync(file, page);

function run(extra, hash) {
	const args = [ '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-extensions',
		'--user-data-dir=' + path.join(work, 'profile'), '--virtual-time-budget=15000' ].concat(extra)
		.concat([ 'file://' + file + (hash || '') ]);
	const r = spawnSync(chromium, args, { encoding: 'utf8', timeout: 90000, maxBuffer: 64 << 20 });
	if (r.error)
		throw r.error;
	return r;
}

const r = run([ '--dump-dom' ]);
const m = /<pre id="__result">([A-Za-z0-9+/=]+)<\/pre>/.exec(r.stdout || '');
if (!m) {
	process.stderr.write('chromium exit ' + r.status + '\n' + (r.stderr || '').slice(-4000) + '\n' + (r.stdout || '').slice(-4000));
	process.exit(2);
}
fs.writeFileSync(path.join(work, 'views-dom.html'), r.stdout);

if (screenshot) {
	const s = run([ '--screenshot=' + screenshot, '--window-size=1800,1500', '--hide-scrollbars' ], '#only=status-hostile');
	if (!fs.existsSync(screenshot))
		process.stderr.write('no screenshot: ' + (s.stderr || '').slice(-2000));
}

process.stdout.write(Buffer.from(m[1], 'base64').toString('utf8') + '\n');
