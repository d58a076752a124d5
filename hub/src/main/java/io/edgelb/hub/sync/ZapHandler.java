package io.edgelb.hub.sync;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.tinylog.Logger;
import org.zeromq.ZMQ;

/**
 * Decides which CURVE keys may connect at all (ZeroMQ's ZAP, RFC 27): a key in the agents
 * allow-list is admitted with its agent id as the user id, which the hub's messages then carry as
 * metadata; any other key or mechanism is refused before a single message is read.
 */
final class ZapHandler {
    /** The endpoint libzmq and jeromq ask for every handshake. */
    static final String ENDPOINT = "inproc://zeromq.zap.01";
    /** Frames of a ZAP request we look at: version, request id, domain, address, identity, mechanism, key. */
    private static final int MAX_REQUEST_FRAMES = 16;

    private final Map<String, String> agentByKey = new HashMap<>();
    private final SyncStats stats;
    private final RefusalLog refusals;
    private final LongSupplier clock;

    ZapHandler(Map<String, String> allowList, SyncStats stats, RefusalLog refusals, LongSupplier clock) {
        allowList.forEach((agent, key) -> agentByKey.put(key, agent));
        this.stats = stats;
        this.refusals = refusals;
        this.clock = clock;
    }

    /** Answers every request waiting on the ZAP socket (a REP bound to {@link #ENDPOINT}). */
    void answerAll(ZMQ.Socket zap) {
        while (true) {
            List<byte[]> request = new ArrayList<>();
            byte[] frame = zap.recv(ZMQ.DONTWAIT);
            if (frame == null) {
                return;
            }
            request.add(frame);
            while (zap.hasReceiveMore() && request.size() < MAX_REQUEST_FRAMES) {
                request.add(zap.recv(0));
            }
            while (zap.hasReceiveMore()) {
                zap.recv(0);
            }
            answer(zap, request);
        }
    }

    private void answer(ZMQ.Socket zap, List<byte[]> request) {
        byte[] requestId = request.size() > 1 ? request.get(1) : new byte[0];
        String address = request.size() > 3 ? new String(request.get(3), StandardCharsets.UTF_8) : "?";
        String mechanism = request.size() > 5 ? new String(request.get(5), StandardCharsets.UTF_8) : "";
        String agent = null;
        String key = null;
        if (mechanism.equals("CURVE") && request.size() > 6 && request.get(6).length == 32) {
            key = ZMQ.Curve.z85Encode(request.get(6));
            agent = agentByKey.get(key);
        }
        if (agent != null) {
            stats.handshakesAccepted.incrementAndGet();
            Logger.debug("sync: agent {} connected from {}", agent, address);
            reply(zap, requestId, "200", "OK", agent);
        } else {
            stats.handshakesRefused.incrementAndGet();
            refusals.warn(clock.getAsLong(), "key " + key + " " + address, "sync: refused " + mechanism
                    + " key " + key + " from " + address + ": not in the agents allow-list");
            reply(zap, requestId, "400", "key not allowed", "");
        }
    }

    private static void reply(ZMQ.Socket zap, byte[] requestId, String code, String text, String userId) {
        zap.send("1.0", ZMQ.SNDMORE);
        zap.send(requestId, ZMQ.SNDMORE);
        zap.send(code, ZMQ.SNDMORE);
        zap.send(text, ZMQ.SNDMORE);
        zap.send(userId, ZMQ.SNDMORE);
        zap.send(new byte[0], 0);
    }
}
