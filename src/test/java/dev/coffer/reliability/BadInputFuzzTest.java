package dev.coffer.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.SharedEmbeddedServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The short run of {@link BadInputFuzz} in CI: no 5xx, no hang, no stack trace, no secret logged. */
@ExtendWith(SharedEmbeddedServers.class)
class BadInputFuzzTest {
    static final int REQUESTS = 1500;

    @Test
    void fuzz_everyEndpoint_noServerErrorNoHangNoStackTrace(EmbeddedServers stack) throws Exception {
        BadInputFuzz.Report report = BadInputFuzz.run(stack, REQUESTS, BadInputFuzz.SEED);
        System.out.println("fuzz: " + report);

        assertThat(report.failures()).as("requests answered with 5xx, no status, a stack trace or not at all").isEmpty();
        assertThat(report.statuses().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(REQUESTS);
        assertThat(report.statuses().keySet()).allSatisfy(status -> assertThat(status).isBetween(200, 499));
        assertThat(report.healthyAfter()).as("still healthy after the run").isTrue();
        assertThat(report.secretLogged()).as("the valid token or the signing key in a log line").isFalse();
    }
}
