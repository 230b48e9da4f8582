package dev.coffer.testing;

import dev.coffer.local.EmbeddedServers;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: one in-memory DynamoDB Local + S3Proxy pair (the real embedded servers, on
 * loopback) for the whole test run, started on first use and stopped when the run ends. Inject
 * it as a {@link EmbeddedServers} parameter. Tests that stop a server must use their own stack.
 */
public final class SharedEmbeddedServers implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedEmbeddedServers.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedServers.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return get(context);
    }

    public static EmbeddedServers get(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("stack", key -> new Resource(), Resource.class).stack;
    }

    private static final class Resource implements AutoCloseable {
        final EmbeddedServers stack;

        Resource() {
            try {
                stack = EmbeddedServers.inMemory().start("in memory, tests");
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the embedded servers", e);
            }
        }

        @Override
        public void close() throws Exception {
            stack.close();
        }
    }
}
