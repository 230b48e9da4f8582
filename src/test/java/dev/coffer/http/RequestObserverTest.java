package dev.coffer.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.config.ServerConfig;
import dev.coffer.error.ErrorCode;
import dev.coffer.identity.Authentication;
import dev.coffer.identity.Caller;
import dev.coffer.identity.UserId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Observers see each answered request once, labelled by its route template, caller and problem code. */
class RequestObserverTest {
    private final List<CompletedRequest> seen = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        ApiModule module = r -> r
                .get("/open/{name}", Access.PUBLIC, ctx -> ctx.json(Map.of("name", ctx.pathParam("name"))))
                .get("/mine/{id}", Access.ANY_CALLER, (ctx, caller) -> ctx.json(Map.of("id", ctx.pathParam("id"))));
        server = HttpServer.start(new ServerConfig("127.0.0.1", 0, 1024, 4, ServerConfig.DEFAULT_IDLE_TIMEOUT),
                (authorization, onBehalfOf) -> "Bearer good".equals(authorization)
                        ? new Authentication.Verified(Caller.account(new UserId("u-1")))
                        : new Authentication.Refused("bad token"),
                List.of(module), List.of(seen::add, failing -> {
                    throw new IllegalStateException("an observer that fails must not change the answer");
                }));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private int get(String path, String authorization) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void routeTemplateCallerAndProblemCode_areReported_andAFailingObserverChangesNothing() throws Exception {
        assertThat(get("/open/abc", null)).isEqualTo(200);
        assertThat(get("/mine/42", "Bearer good")).isEqualTo(200);
        assertThat(get("/mine/42", "Bearer bad")).isEqualTo(401);
        assertThat(get("/nowhere", null)).isEqualTo(404);

        assertThat(seen).hasSize(4);
        CompletedRequest open = seen.get(0);
        assertThat(open.route()).contains("/open/{name}");
        assertThat(open.path()).isEqualTo("/open/abc");
        assertThat(open.statusClass()).isEqualTo("2xx");
        assertThat(open.caller()).isEmpty();
        assertThat(open.error()).isEmpty();
        assertThat(open.requestId()).isNotBlank();

        CompletedRequest mine = seen.get(1);
        assertThat(mine.route()).contains("/mine/{id}");
        assertThat(mine.caller().map(c -> c.userId().value())).contains("u-1");

        CompletedRequest refused = seen.get(2);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.error()).contains(ErrorCode.UNAUTHORIZED);
        assertThat(refused.caller()).isEmpty();

        CompletedRequest unmatched = seen.get(3);
        assertThat(unmatched.route()).isEqualTo(Optional.empty());
        assertThat(unmatched.error()).contains(ErrorCode.NOT_FOUND);
    }
}
