package io.edgelb.agent.tls;

/** A listener's TLS context could not be built from its files; the reload that asked for it is refused. */
public final class TlsSetupException extends Exception {
    public TlsSetupException(String message) {
        super(message);
    }
}
