package io.edgelb.model.sync;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The hub ↔ agent sync protocol on ZeroMQ (a Clone pattern variant, names after ZeroMQ RFC 12), shared
 * by both ends. The hub binds a ROUTER on port P and a PUB on port P+1; an agent connects a DEALER to
 * P and a SUB to P+1 for every hub endpoint it lists. Every socket uses CURVE.
 *
 * <pre>
 * agent → hub (DEALER → ROUTER)
 *   [ICANHAZ] [agent id]                       ask for the full state (after subscribing)
 *   [STATUS]  [agent id] [status JSON]         every few seconds
 * hub → agent (ROUTER → DEALER)
 *   [KTHXBAI] [instance] [revision] [state JSON]   the full state, answer to ICANHAZ
 *   [DENIED]  [reason]                          the key is not that agent's
 * hub → agents (PUB → SUB), topic = agent id + " "
 *   [topic] [KVNEW] [instance] [revision]               the agent's state changed: ask for it
 *   [topic] [HUGZ]  [instance] [revision] [heartbeat ms] about once per heartbeat period
 * </pre>
 * States travel only on the ROUTER socket, in answer to a request whose CURVE key the hub has
 * checked against the agent id. The PUB socket cannot tell its subscribers apart, so an enrolled
 * agent could subscribe to another agent's topic: it carries nothing but revision numbers.
 * instance: 8 bytes, random per hub process, so an agent sees a restart. revision: 8 bytes, big
 * endian, per agent, strictly increasing within an instance, and taken from the hub's clock
 * ({@code max(previous + 1, now in ms)}), so that revisions of independent hubs over the same source
 * compare by age and the agent can follow the newest. A HUGZ whose instance or revision differs
 * from what the agent holds means it missed something: it asks for the state again.
 */
public final class SyncProtocol {
    public static final String ICANHAZ = "ICANHAZ";
    public static final String STATUS = "STATUS";
    public static final String KTHXBAI = "KTHXBAI";
    public static final String DENIED = "DENIED";
    public static final String KVNEW = "KVNEW";
    public static final String HUGZ = "HUGZ";

    /** Largest message either side accepts (bytes); larger ones disconnect the peer (ZMQ_MAXMSGSIZE). */
    public static final long MAX_MESSAGE_BYTES = 4L * 1024 * 1024;
    public static final int DEFAULT_PORT = 5570;

    private SyncProtocol() {
    }

    /** The subscription topic of an agent; the space ends it, so agent r1 does not receive r10's. */
    public static byte[] topic(String agentId) {
        return (agentId + " ").getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    /** Reads an 8-byte big-endian number; throws IllegalArgumentException for any other length. */
    public static long readLong(byte[] frame) {
        if (frame == null || frame.length != 8) {
            throw new IllegalArgumentException("expected an 8-byte number, got "
                    + (frame == null ? "nothing" : frame.length + " bytes"));
        }
        return ByteBuffer.wrap(frame).getLong();
    }

    /** The endpoint of the publisher that belongs to a hub's snapshot endpoint {@code tcp://HOST:P}. */
    public static String publisherOf(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        int port = Integer.parseInt(endpoint.substring(colon + 1));
        if (port >= 65535) {
            throw new IllegalArgumentException(endpoint + ": the publisher needs port " + (port + 1));
        }
        return endpoint.substring(0, colon + 1) + (port + 1);
    }
}
