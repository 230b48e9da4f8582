package dev.coffer.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.auth.ServiceKeyMaker;
import dev.coffer.http.Access;
import dev.coffer.http.Routes;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Walks every route declared with the operator's token ({@link Access.OperatorToken}, e.g.
 * {@code /metrics}) on a server that has one: anonymous callers, users with valid access tokens
 * and backends with valid service keys are all refused with 401 problem JSON; only the operator's
 * token is let through. And turning metrics on adds no open route (RouteProtectionTest's list of
 * public routes holds with metrics on too).
 */
@ExtendWith(SharedEmbeddedServers.class)
class OperatorRoutesTest {
    private static final String OPERATOR_TOKEN = "operator-routes-token-4f1d2a9b";
    static TestCoffer coffer;
    static String[] serviceKey;

    @BeforeAll
    static void start(EmbeddedServers stack) {
        serviceKey = ServiceKeyMaker.generate();
        coffer = TestCoffer.start(stack, "", Map.of("COFFER_METRICS_TOKEN", OPERATOR_TOKEN,
                "COFFER_SERVICE_KEYS", "backend=" + serviceKey[1]));
    }

    @AfterAll
    static void stop() throws Exception {
        coffer.close();
    }

    static Stream<Routes.Declared> operatorRoutes() {
        return coffer.server().routes().stream().filter(route -> route.access() instanceof Access.OperatorToken);
    }

    @Test
    void metricsOn_addsOperatorRoutesButNoOpenOne() {
        assertThat(operatorRoutes().map(route -> route.method() + " " + route.pattern())).containsExactly("GET /metrics");
        List<String> open = coffer.server().routes().stream().filter(route -> route.access() instanceof Access.Open)
                .map(route -> route.method() + " " + route.pattern()).toList();
        assertThat(open).doesNotContain("GET /metrics").allSatisfy(route -> assertThat(route).doesNotContain("metrics"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operatorRoutes")
    void anonymousUserAndServiceKey_refused_operatorTokenLetThrough(Routes.Declared route) {
        Http http = coffer.http();
        assertThat(http.request(route.method(), route.pattern()).bearer(OPERATOR_TOKEN).send().status()).isEqualTo(200);
        assertRefused(http.request(route.method(), route.pattern()).send());
        assertRefused(http.request(route.method(), route.pattern()).bearer(coffer.tokenFor("operator-walk-user")).send());
        assertRefused(http.request(route.method(), route.pattern()).bearer(serviceKey[0])
                .header("X-Coffer-User", "operator-walk-user").send());
        assertRefused(http.request(route.method(), route.pattern()).bearer(OPERATOR_TOKEN.toUpperCase()).send());
        // Again after the refusals, on the same connection: Jetty's per-connection header cache must
        // not take a token differing only in case for the one sent before (nor the other way round).
        assertThat(http.request(route.method(), route.pattern()).bearer(OPERATOR_TOKEN).send().status()).isEqualTo(200);
    }

    private static void assertRefused(Http.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(401);
        assertThat(response.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.json().path("code").asText()).isEqualTo("unauthorized");
    }
}
