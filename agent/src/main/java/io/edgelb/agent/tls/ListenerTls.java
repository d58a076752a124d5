package io.edgelb.agent.tls;

import io.edgelb.model.ClientAuthentication;
import io.edgelb.model.Listener;
import io.edgelb.model.TlsSettings;
import io.edgelb.model.io.Printable;
import io.edgelb.model.tls.KeyAndChain;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CRL;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TERMINATED_HTTPS listener's TLS, built once per configuration from its files with the JDK's
 * TLS ({@link SslProvider#JDK}: no native library on musl routers). It is part of the listener's
 * {@code Route}: a reload builds a new one, new connections take it, open ones keep the engine
 * they have. Immutable, so any event loop may use it.
 */
public final class ListenerTls {
    /** A ClientHello larger than this is refused before SNI is read (Netty's own bound is 16 MiB). */
    private static final int MAX_CLIENT_HELLO = 16 * 1024;
    /** The handshake's bound when timeout_http_request is longer: a stalled handshake holds a slot. */
    private static final long MAX_HANDSHAKE_MS = 10_000;

    private final SslContext defaultContext;
    /** Null without sni_certificate: no SNI lookup at all then. */
    private final Mapping<String, SslContext> sni;
    private final long handshakeTimeoutMs;

    private ListenerTls(SslContext defaultContext, Mapping<String, SslContext> sni, long handshakeTimeoutMs) {
        this.defaultContext = defaultContext;
        this.sni = sni;
        this.handshakeTimeoutMs = handshakeTimeoutMs;
    }

    /** Reads the listener's files now; the message says which file and why, never key material. */
    public static ListenerTls build(Listener listener) throws TlsSetupException {
        TlsSettings tls = listener.tls();
        Trust trust = trust(listener, tls);
        KeyAndChain main = read(listener, "certificate", tls.certificate());
        SslContext defaultContext = context(listener, "certificate", tls.certificate(), main, tls, trust);
        Mapping<String, SslContext> sni = null;
        if (!tls.sniCertificates().isEmpty()) {
            DomainWildcardMappingBuilder<SslContext> mapping = new DomainWildcardMappingBuilder<>(defaultContext);
            for (String path : tls.sniCertificates()) {
                KeyAndChain extra = read(listener, "sni_certificate", path);
                SslContext context = context(listener, "sni_certificate", path, extra, tls, trust);
                for (String name : extra.dnsNames()) {
                    mapping.add(name, context); // "*.example.com": one label deep, as the builder matches
                }
            }
            sni = mapping.build();
        }
        long timeout = Math.min(listener.timeoutHttpRequestMs() > 0 ? listener.timeoutHttpRequestMs()
                : MAX_HANDSHAKE_MS, MAX_HANDSHAKE_MS);
        return new ListenerTls(defaultContext, sni, timeout);
    }

    /** The first handler of a new client connection's pipeline. */
    public ChannelHandler newHandler(Channel channel) {
        if (sni != null) {
            return new SniHandler(sni, MAX_CLIENT_HELLO, handshakeTimeoutMs);
        }
        SslHandler handler = defaultContext.newHandler(channel.alloc());
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMs);
        return handler;
    }

    private record Trust(TrustManagerFactory factory, ClientAuth mode) {
    }

    private static Trust trust(Listener listener, TlsSettings tls) throws TlsSetupException {
        if (tls.clientAuthentication() == ClientAuthentication.NONE || tls.clientCa() == null) {
            return new Trust(null, ClientAuth.NONE);
        }
        List<X509Certificate> cas = load(listener, "client_ca", tls.clientCa(), KeyAndChain::certificates);
        Collection<CRL> crls = tls.clientCrl() == null ? List.of()
                : load(listener, "client_crl", tls.clientCrl(), KeyAndChain::crls);
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            cas.forEach(ca -> anchors.add(new TrustAnchor(ca, null)));
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, new X509CertSelector());
            // With a CRL, a client certificate it lists is refused; without, no revocation lookup (no network).
            parameters.setRevocationEnabled(!crls.isEmpty());
            if (!crls.isEmpty()) {
                parameters.addCertStore(CertStore.getInstance("Collection",
                        new CollectionCertStoreParameters(new ArrayList<>(crls))));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(new CertPathTrustManagerParameters(parameters));
            ClientAuth mode = tls.clientAuthentication() == ClientAuthentication.MANDATORY
                    ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL;
            return new Trust(factory, mode);
        } catch (java.security.GeneralSecurityException e) {
            throw failed(listener, "client_ca", tls.clientCa(), "cannot be used as trust anchors: " + e.getMessage());
        }
    }

    private static SslContext context(Listener listener, String field, String path, KeyAndChain material,
                                      TlsSettings tls, Trust trust) throws TlsSetupException {
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(material.key(), material.chain())
                    .sslProvider(SslProvider.JDK)
                    .protocols(tls.versionsOrDefault())
                    .clientAuth(trust.mode());
            if (!tls.tlsCiphers().isEmpty()) {
                builder.ciphers(tls.tlsCiphers());
            }
            if (trust.factory() != null) {
                builder.trustManager(trust.factory());
            }
            if (!tls.alpnProtocols().isEmpty()) {
                builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, tls.alpnProtocols()));
            }
            return builder.build();
        } catch (javax.net.ssl.SSLException | RuntimeException e) {
            // The message of a key error may quote parts of the key in some providers: the class only.
            throw failed(listener, field, path, "the TLS engine refused it (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static KeyAndChain read(Listener listener, String field, String path) throws TlsSetupException {
        return load(listener, field, path, KeyAndChain::read);
    }

    private interface Reader<T> {
        T read(Path file) throws IOException;
    }

    private static <T> T load(Listener listener, String field, String path, Reader<T> reader)
            throws TlsSetupException {
        if (path == null || !path.startsWith("/")) {
            throw failed(listener, field, String.valueOf(path), "not an absolute path");
        }
        try {
            return reader.read(Path.of(path));
        } catch (NoSuchFileException e) {
            throw failed(listener, field, path, "no such file");
        } catch (IOException e) {
            throw failed(listener, field, path, "cannot read: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw failed(listener, field, path, e.getMessage());
        }
    }

    private static TlsSetupException failed(Listener listener, String field, String path, String why) {
        return new TlsSetupException("listener '" + listener.id() + "': " + field + " '" + Printable.escape(path)
                + "': " + Printable.line(String.valueOf(why), Printable.MAX_LINE_CHARS));
    }
}
