// Runs edgelb/traffic.js outside the browser: compiled as luci.js does, with a stand-in for the
// one thing it requires, baseclass.extend (which LuCI instantiates once). Prints the results of
// fixed scenarios as JSON for the Java test to check.
'use strict';
const fs = require('fs');

const source = fs.readFileSync(process.argv[2], 'utf8');
const baseclass = {
	extend(proto) {
		function Class() {}
		Class.prototype = proto;
		return Class;
	}
};
const Traffic = new Function('window', 'document', 'L', 'baseclass', source)({}, {}, {}, baseclass);
const traffic = new Traffic();

const out = {};
const l = (bytesIn, bytesOut) => ({ bytes_in: bytesIn, bytes_out: bytesOut });

let h = [];
out.first = traffic.update(h, l(1000, 2000), 10000);
out.second = traffic.update(h, l(6000, 12000), 15000);
out.samePoll = traffic.update(h, l(7000, 13000), 15000); // polled twice at once: nothing new
out.lengthAfterSamePoll = h.length;
out.restarted = traffic.update(h, l(10, 20), 20000);
out.lengthAfterRestart = h.length;
out.afterRestart = traffic.update(h, l(2010, 20), 22000);

h = [];
for (let i = 0; i <= 500; i++)
	traffic.update(h, l(i * 100, i * 300), i * 5000);
out.bounded = { length: h.length, max: traffic.maxSamples, newestAt: h[h.length - 1].at };

h = [];
traffic.update(h, l(0, 0), 0);
traffic.update(h, l(5000, 0), 5000);   // 1000 B/s in
traffic.update(h, l(15000, 0), 10000); // 2000 B/s in: the peak
traffic.update(h, l(15000, 5000), 15000);
out.graph = traffic.graph(h, 120, 30, 15000, 15000);
out.graphOld = traffic.graph(h, 120, 30, 4000, 15000);

h = [];
traffic.update(h, l(7, 7), 0);
traffic.update(h, l(7, 7), 5000);
out.idle = traffic.graph(h, 120, 30, 60000, 5000);

// The agent's history (GET /api/history) seeds an empty history: ages place the samples.
h = [];
const samples = [];
for (let i = 0; i < 200; i++)
	samples.push({ age_seconds: (199 - i) * 10, bytes_in: i * 1000, bytes_out: i * 500 });
traffic.seed(h, { samples: samples.concat([ { age_seconds: 'x' }, null, { age_seconds: -1 } ]) }, 2000000);
out.seeded = { length: h.length, firstAt: h[0].at, lastAt: h[h.length - 1].at, lastRateIn: h[h.length - 1].rateIn };
traffic.seed(h, { samples: [ { age_seconds: 0, bytes_in: 1, bytes_out: 1 } ] }, 2000000);
out.seededTwice = h.length;
h = [];
traffic.seed(h, null, 0);
traffic.seed(h, { samples: 'nonsense' }, 0);
out.seededFromNothing = h.length;

console.log(JSON.stringify(out));
