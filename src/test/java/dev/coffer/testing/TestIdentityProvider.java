package dev.coffer.testing;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OIDC issuer on loopback for tests: a discovery document and a JWKS of RSA keys made by the
 * test (no external service), which can rotate its signing key and fail its JWKS endpoint (HTTP
 * 500) to play an outage. Tokens are signed with {@link #sign}; {@link #accessToken} starts the
 * claims of a valid access token for a given clock time. Close it at the end of the test.
 */
public final class TestIdentityProvider implements AutoCloseable {
    private final HttpServer server;
    private final String issuer;
    private final List<RSAKey> published = new CopyOnWriteArrayList<>();
    private final List<RSAKey> everUsed = new CopyOnWriteArrayList<>();
    private volatile RSAKey signingKey;
    private final AtomicBoolean jwksFailing = new AtomicBoolean();
    private volatile String jwksOverride;
    private volatile CountDownLatch hanging = new CountDownLatch(0);
    private final AtomicInteger jwksRequests = new AtomicInteger();

    private TestIdentityProvider(HttpServer server, String issuer, RSAKey first) {
        this.server = server;
        this.issuer = issuer;
        this.signingKey = first;
        this.published.add(first);
        this.everUsed.add(first);
    }

    /** An issuer at {@code http://127.0.0.1:PORT/pool} publishing one key, {@code key-1}. */
    public static TestIdentityProvider start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            String issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/pool";
            var idp = new TestIdentityProvider(server, issuer, keyUnlike(List.of(), "key-1"));
            server.createContext("/pool/.well-known/openid-configuration", ex -> respond(ex, 200,
                    "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/jwks.json\"}"));
            server.createContext("/pool/jwks.json", idp::serveJwks);
            server.start();
            return idp;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Key pairs shared by every issuer of the run: 2048-bit RSA generation takes up to seconds on a
     * busy machine. One issuer never gets the same pair twice ({@link #keyUnlike}); different
     * issuers may share one, which is harmless since a Coffer trusts only its own issuer's JWKS.
     */
    private static final List<RSAKey> POOL = new CopyOnWriteArrayList<>();

    /** One attacker's key pair, generated once and never published by any issuer. */
    private static final class Attacker {
        static final RSAKey KEY = generate("attacker");
    }

    /** A key no issuer publishes, named {@code keyId}: what a forger signs with. */
    public static RSAKey forgedKey(String keyId) {
        return new RSAKey.Builder(Attacker.KEY).keyID(keyId).build();
    }

    private static synchronized RSAKey keyUnlike(List<RSAKey> taken, String keyId) {
        for (RSAKey candidate : POOL) {
            if (taken.stream().noneMatch(key -> key.getModulus().equals(candidate.getModulus()))) {
                return new RSAKey.Builder(candidate).keyID(keyId).build();
            }
        }
        RSAKey fresh = generate(keyId);
        POOL.add(fresh);
        return fresh;
    }

    private static RSAKey generate(String keyId) {
        try {
            return new RSAKeyGenerator(2048).keyID(keyId).generate();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private void serveJwks(HttpExchange exchange) throws IOException {
        jwksRequests.incrementAndGet();
        if (jwksFailing.get()) {
            respond(exchange, 500, "{\"message\":\"internal error\"}");
            return;
        }
        if (hanging.getCount() > 0) {
            // Headers and the start of a body, then nothing until released: a stuck issuer.
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().write("{\"keys\":[".getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
            try {
                hanging.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        if (jwksOverride != null) {
            respond(exchange, 200, jwksOverride);
            return;
        }
        respond(exchange, 200, new JWKSet(published.stream().<JWK>map(RSAKey::toPublicJWK).toList()).toString());
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    public String issuer() {
        return issuer;
    }

    /** The key tokens are signed with now. */
    public RSAKey signingKey() {
        return signingKey;
    }

    /** Publishes a new key beside the old ones and signs with it from now on (a key rotation). */
    public RSAKey rotate(String keyId) {
        RSAKey next = keyUnlike(everUsed, keyId);
        everUsed.add(next);
        published.add(next);
        signingKey = next;
        return next;
    }

    /** Stops publishing the key {@code keyId} (the issuer revoked it). */
    public void retire(String keyId) {
        published.removeIf(key -> key.getKeyID().equals(keyId));
    }

    /** While true the JWKS endpoint answers 500 (the discovery document still answers). */
    public void failJwks(boolean failing) {
        jwksFailing.set(failing);
    }

    /** While true the JWKS endpoint sends headers and part of a body, then nothing (until false or closed). */
    public void hangJwks(boolean hang) {
        if (hang) {
            hanging = new CountDownLatch(1);
        } else {
            hanging.countDown();
        }
    }

    /** The JWKS endpoint answers 200 with {@code body} instead of the key set (null: the key set again). */
    public void serveJwksAs(String body) {
        jwksOverride = body;
    }

    /** How many times the JWKS was requested, failed requests included. */
    public int jwksRequests() {
        return jwksRequests.get();
    }

    /** Claims of a valid access token of this issuer for {@code audience}: issued at {@code now}, 5 minutes to live. */
    public JWTClaimsSet.Builder accessToken(String audience, String subject, Instant now) {
        return new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject(subject).issueTime(Date.from(now))
                .notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)));
    }

    /** RS256 with the current signing key, no JOSE {@code typ}. */
    public String sign(JWTClaimsSet claims) {
        return sign(claims, signingKey, null);
    }

    /** RS256 with {@code key} (named by its key id) and the JOSE header {@code typ} (none when null). */
    public static String sign(JWTClaimsSet claims, RSAKey key, String type) {
        var header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID());
        if (type != null) {
            header.type(new JOSEObjectType(type));
        }
        var jwt = new SignedJWT(header.build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    @Override
    public void close() {
        hanging.countDown();
        server.stop(0);
    }
}
