package dev.coffer.credentials;

import dev.coffer.config.CredentialsConfig;
import dev.coffer.config.CredentialsMode;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.support.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.internal.HttpCredentialsLoader;
import software.amazon.awssdk.regions.util.ResourcesEndpointProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;
import software.amazon.awssdk.utils.cache.CachedSupplier;
import software.amazon.awssdk.utils.cache.RefreshResult;

/**
 * ECS/EKS container credentials from {@code aws.credentials.container_full_uri} (or the relative
 * URI on 169.254.170.2), with the optional authorization token (EKS Pod Identity reads it from a
 * file that rotates). The SDK's {@code ContainerCredentialsProvider} takes its URI only from the
 * process environment or system properties, so a URI from coffer.toml or .env could not reach it
 * without changing global state; this source gives the configured URI to the SDK's own loader
 * ({@code HttpCredentialsLoader}: the same request and response parsing) and caches the result
 * with the SDK's {@code CachedSupplier}, refreshing a minute before expiry as the SDK does.
 */
final class ContainerCredentials implements CredentialSource {
    /** ECS's endpoint (relative URIs) and EKS Pod Identity's; plain HTTP is allowed only to these and loopback, as the SDK allows. */
    private static final Set<String> CONTAINER_HOSTS = Set.of("169.254.170.2", "169.254.170.23", "[fd00:ec2::23]", "fd00:ec2::23");

    @Override
    public Lookup find(CredentialsConfig c) {
        if (c.containerUri().isEmpty()) {
            return new NotFound("container: AWS_CONTAINER_CREDENTIALS_FULL_URI/_RELATIVE_URI not set");
        }
        URI uri = c.containerUri().get();
        requireSafeHost(uri);
        var provider = new Endpoint(uri, c.containerAuthorizationToken(), c.containerAuthorizationTokenFile());
        return new Found(CredentialsMode.ROLE, "container", provider, Optional.empty(), List.of(provider));
    }

    private static void requireSafeHost(URI uri) {
        if ("https".equals(uri.getScheme()) || CONTAINER_HOSTS.contains(uri.getHost()) || loopback(uri.getHost())) {
            return;
        }
        throw new CofferException(ErrorCode.NO_CREDENTIALS, "the container credentials URI " + uri
                + " is neither HTTPS nor on loopback or the ECS/EKS credentials address",
                "check AWS_CONTAINER_CREDENTIALS_FULL_URI (the platform sets it; credentials must not cross the network in clear)");
    }

    private static boolean loopback(String host) {
        try {
            InetAddress[] addresses = InetAddress.getAllByName(host);
            return addresses.length > 0 && java.util.Arrays.stream(addresses).allMatch(InetAddress::isLoopbackAddress);
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The refreshing provider over one endpoint; closing it stops its cache. Thread-safe. */
    private static final class Endpoint implements AwsCredentialsProvider, SdkAutoCloseable {
        private final URI uri;
        private final Optional<Secret> token;
        private final Optional<Path> tokenFile;
        private final HttpCredentialsLoader loader = HttpCredentialsLoader.create("ContainerCredentialsProvider");
        private final CachedSupplier<AwsCredentials> cache;

        Endpoint(URI uri, Optional<Secret> token, Optional<Path> tokenFile) {
            this.uri = uri;
            this.token = token;
            this.tokenFile = tokenFile;
            this.cache = CachedSupplier.builder(this::refresh).cachedValueName("ContainerCredentials").build();
        }

        private RefreshResult<AwsCredentials> refresh() {
            var loaded = loader.loadCredentials(new ResourcesEndpointProvider() {
                @Override
                public URI endpoint() {
                    return uri;
                }

                @Override
                public Map<String, String> headers() {
                    var headers = new HashMap<>(ResourcesEndpointProvider.super.headers());
                    authorization().ifPresent(value -> headers.put("Authorization", value));
                    return headers;
                }
            });
            Instant expiry = loaded.getExpiration().orElse(null);
            Instant inAnHour = Instant.now().plus(Duration.ofHours(1));
            Instant prefetch = expiry == null ? inAnHour : java.util.Collections.min(List.of(inAnHour, expiry.minus(Duration.ofMinutes(15))));
            return RefreshResult.builder(loaded.getAwsCredentials())
                    .staleTime(expiry == null ? null : expiry.minus(Duration.ofMinutes(1)))
                    .prefetchTime(prefetch)
                    .build();
        }

        private Optional<String> authorization() {
            if (tokenFile.isPresent()) {
                try {
                    return Optional.of(Files.readString(tokenFile.get()).trim());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the container authorization token file " + tokenFile.get(), e);
                }
            }
            return token.map(Secret::reveal);
        }

        @Override
        public AwsCredentials resolveCredentials() {
            return cache.get();
        }

        @Override
        public void close() {
            cache.close();
        }

        @Override
        public String toString() {
            return "ContainerCredentials[" + uri + "]";
        }
    }
}
