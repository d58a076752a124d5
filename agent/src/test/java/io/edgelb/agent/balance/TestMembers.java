package io.edgelb.agent.balance;

import io.edgelb.agent.health.MemberHealth;
import io.edgelb.agent.pool.MemberRuntime;
import io.edgelb.model.Member;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicLong;

/** Real MemberRuntime objects on distinct endpoints, sharing one fake clock. */
final class TestMembers {
    final AtomicLong clock = new AtomicLong(1_000_000);
    private int next = 1;

    /** An unmonitored member (passive health only). */
    MemberRuntime member(String id, int weight) {
        return runtime(Member.of(id, "p", nextAddress(), 80).withWeight(weight), false);
    }

    MemberRuntime backup(String id, int weight) {
        return runtime(Member.of(id, "p", nextAddress(), 80).withWeight(weight).withBackup(true), false);
    }

    /** A member with an active monitor (rise 2, fall 3). */
    MemberRuntime monitored(String id, int weight) {
        return runtime(Member.of(id, "p", nextAddress(), 80).withWeight(weight), true);
    }

    private MemberRuntime runtime(Member settings, boolean monitored) {
        MemberHealth health = monitored
                ? MemberHealth.monitored(settings.id(), 2, 3, clock::get)
                : MemberHealth.passiveOnly(settings.id(), clock::get);
        return new MemberRuntime(settings, health);
    }

    private String nextAddress() {
        int n = next++;
        return "192.0.2." + n;
    }

    /** The i-th of many distinct IPv4 clients, in 10.0.0.0/8. */
    static InetSocketAddress client(int i) {
        return client(i, 40_000);
    }

    static InetSocketAddress client(int i, int port) {
        byte[] bytes = {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }
}
