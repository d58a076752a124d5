'use strict';
'require baseclass';

/*
 * Throughput of the agent's listeners from the byte counters of successive status polls, and the
 * points of the small traffic graph. No DOM and no LuCI calls here, so that it can be tested alone.
 */
return baseclass.extend({
	/* Most samples kept per listener: ten minutes of polls every five seconds. */
	maxSamples: 120,

	/*
	 * Appends the listener's counters, read at nowMs, to history (oldest first) and returns the new
	 * sample { at, bytesIn, bytesOut, rateIn, rateOut }, rates in bytes per second. The rates are
	 * null on the first sample and after the counters went backwards: the agent restarted or the
	 * listener was recreated, so the old samples describe another counter and are dropped.
	 */
	update: function(history, listener, nowMs) {
		const sample = {
			at: nowMs,
			bytesIn: Math.max(0, +listener.bytes_in || 0),
			bytesOut: Math.max(0, +listener.bytes_out || 0),
			rateIn: null,
			rateOut: null
		};
		const prev = history.length ? history[history.length - 1] : null;

		if (prev != null) {
			const seconds = (nowMs - prev.at) / 1000;

			if (sample.bytesIn < prev.bytesIn || sample.bytesOut < prev.bytesOut) {
				history.length = 0;
			}
			else if (seconds <= 0) {
				return prev;
			}
			else {
				sample.rateIn = (sample.bytesIn - prev.bytesIn) / seconds;
				sample.rateOut = (sample.bytesOut - prev.bytesOut) / seconds;
			}
		}

		history.push(sample);

		if (history.length > this.maxSamples)
			history.splice(0, history.length - this.maxSamples);

		return sample;
	},

	/*
	 * Fills an empty history from the agent's own samples of the listener (its "history" in
	 * /api/status: samples oldest first, each with age_seconds before the report, bytes_in and
	 * bytes_out), so that the graph is full when the page opens. Ages, not the agent's clock, place
	 * the samples: the router's and the browser's clocks need not agree. Unusable input is ignored.
	 */
	seed: function(history, agentHistory, nowMs) {
		const samples = agentHistory != null && Array.isArray(agentHistory.samples) ? agentHistory.samples : [];
		const self = this;

		if (history.length)
			return;

		samples.filter(function(s) {
			return s != null && typeof(s) == 'object' && s.age_seconds !== '' && isFinite(+s.age_seconds) && +s.age_seconds >= 0;
		}).slice(-this.maxSamples).forEach(function(s) {
			self.update(history, s, nowMs - s.age_seconds * 1000);
		});
	},

	/*
	 * The graph of the last spanMs before nowMs in a width x height box (y grows downwards, newest
	 * at the right): SVG polyline points for the rates in and out, and the peak rate that the top
	 * edge stands for (0 when there was no traffic).
	 */
	graph: function(history, width, height, spanMs, nowMs) {
		const shown = history.filter(function(s) {
			return s.rateIn != null && nowMs - s.at <= spanMs && s.at <= nowMs;
		});
		let peak = 0;

		shown.forEach(function(s) {
			peak = Math.max(peak, s.rateIn, s.rateOut);
		});

		const points = function(key) {
			return shown.map(function(s) {
				const x = width - (nowMs - s.at) / spanMs * width;
				const y = peak > 0 ? height - s[key] / peak * height : height;

				return x.toFixed(1) + ',' + y.toFixed(1);
			}).join(' ');
		};

		return { peak: peak, in: points('rateIn'), out: points('rateOut') };
	}
});
