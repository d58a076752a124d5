package io.edgelb.agent.relay;

import java.util.concurrent.atomic.LongAdder;

/**
 * What an HTTP listener counts beyond connections and bytes: requests, responses by class
 * (1xx-5xx, the agent's own error answers included, as HAProxy counts them) and requests refused
 * as malformed, too large, too slow or unsupported. Written from every event loop, read by the API.
 */
public final class HttpCounters {
    private final LongAdder requests = new LongAdder();
    private final LongAdder requestErrors = new LongAdder();
    /** L7 REGEX rules that went over their budget (counted as not matching). */
    private final LongAdder regexAborted = new LongAdder();
    private final LongAdder[] responses = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(),
            new LongAdder()};

    public void request() {
        requests.increment();
    }

    public void requestError() {
        requestErrors.increment();
    }

    /** A response header sent to a client; codes outside 100-599 are not counted. */
    public void response(int code) {
        int type = code / 100;
        if (type >= 1 && type <= 5) {
            responses[type - 1].increment();
        }
    }

    public void regexAborted() {
        regexAborted.increment();
    }

    public long regexAbortedCount() {
        return regexAborted.sum();
    }

    public long requests() {
        return requests.sum();
    }

    public long requestErrors() {
        return requestErrors.sum();
    }

    /** Responses of one class: 1 for 1xx ... 5 for 5xx. */
    public long responses(int type) {
        return responses[type - 1].sum();
    }
}
