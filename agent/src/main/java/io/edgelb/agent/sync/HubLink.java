package io.edgelb.agent.sync;

import org.zeromq.ZMQ;

/**
 * The agent's connection to one hub endpoint: a SUB for updates and heartbeats, a DEALER for
 * snapshot requests and status reports, and where the Clone state machine stands. Owned by the
 * sync thread; the volatile fields are read by the status API.
 */
final class HubLink {
    enum State { SYNCING, ACTIVE }

    final String endpoint;
    final ZMQ.Socket sub;
    final ZMQ.Socket dealer;

    volatile State state = State.SYNCING;
    /** Hub instance (hex) and revision of the last state received from this hub; null/0 before. */
    volatile String instance;
    volatile long revision;
    volatile long lastHeardMillis;
    /** The newest revision a KVNEW announced (with its hub instance): asked for until held. */
    String noticedInstance;
    long noticedRevision;
    long heartbeatMs;
    long nextRequestAt;
    long lastRequestAt;
    long backoffMs;
    long syncingSince;
    boolean silenceLogged;

    HubLink(String endpoint, ZMQ.Socket sub, ZMQ.Socket dealer) {
        this.endpoint = endpoint;
        this.sub = sub;
        this.dealer = dealer;
    }
}
