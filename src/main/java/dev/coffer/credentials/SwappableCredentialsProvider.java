package dev.coffer.credentials;

import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** The provider every SDK client holds; a reload swaps what is behind it atomically. */
public final class SwappableCredentialsProvider implements AwsCredentialsProvider {
    private final AtomicReference<AwsCredentialsProvider> current;

    public SwappableCredentialsProvider(AwsCredentialsProvider initial) {
        this.current = new AtomicReference<>(initial);
    }

    public void swap(AwsCredentialsProvider next) {
        current.set(next);
    }

    @Override
    public AwsCredentials resolveCredentials() {
        return current.get().resolveCredentials();
    }

    @Override
    public String toString() {
        return "SwappableCredentialsProvider";
    }
}
