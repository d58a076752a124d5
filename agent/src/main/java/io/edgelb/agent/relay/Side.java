package io.edgelb.agent.relay;

/** Which end of a relayed connection a channel is. */
enum Side {
    CLIENT,
    MEMBER
}
