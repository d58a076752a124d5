package io.edgelb.uci.system;

import java.net.InetAddress;

/** A member as the kernel path sees it: where to send a connection, and its weight among its peers. */
public record DnatMember(String id, InetAddress address, int port, int weight, boolean backup) {
}
