package dev.coffer.testing;

import dev.coffer.aws.SdkHttpClients;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * Coffer's production HTTP clients ({@link SdkHttpClients#apache()}), counted: how many were
 * created and how many closed, so a test can prove none is left open.
 */
public final class CountingHttpClients implements SdkHttpClients {
    private final SdkHttpClients delegate = SdkHttpClients.apache();
    private final AtomicInteger created = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();

    @Override
    public SdkHttpClient create() {
        SdkHttpClient client = delegate.create();
        created.incrementAndGet();
        return new SdkHttpClient() {
            private final AtomicInteger closes = new AtomicInteger();

            @Override
            public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                return client.prepareRequest(request);
            }

            @Override
            public String clientName() {
                return client.clientName();
            }

            @Override
            public void close() {
                // A client closed twice counts once.
                if (closes.getAndIncrement() == 0) {
                    closed.incrementAndGet();
                }
                client.close();
            }
        };
    }

    public int created() {
        return created.get();
    }

    /** Created and not (yet) closed. */
    public int open() {
        return created.get() - closed.get();
    }
}
