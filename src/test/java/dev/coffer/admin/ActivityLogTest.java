package dev.coffer.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.error.ErrorCode;
import dev.coffer.http.CompletedRequest;
import dev.coffer.identity.Caller;
import dev.coffer.identity.UserId;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The console's activity list: bounded (oldest dropped), newest first, filtered by status class. */
class ActivityLogTest {
    private static CompletedRequest request(String id, int status) {
        return new CompletedRequest("GET", Optional.of("/api/v1/auth/me"), "/api/v1/auth/me", status, 1_500_000, id, "127.0.0.1",
                Optional.of(Caller.account(new UserId("u-1"))), status >= 400 ? Optional.of(ErrorCode.UNAUTHORIZED) : Optional.empty());
    }

    @Test
    void keepsOnlyTheLastCapacityRequests_newestFirst() {
        var log = new ActivityLog(3, Clock.systemUTC());
        for (int i = 1; i <= 5; i++) {
            log.completed(request("r" + i, 200));
        }
        assertThat(log.latest(Optional.empty(), 10)).extracting(ActivityLog.Entry::requestId).containsExactly("r5", "r4", "r3");
        assertThat(log.latest(Optional.empty(), 2)).extracting(ActivityLog.Entry::requestId).containsExactly("r5", "r4");
    }

    @Test
    void filtersByStatusClass_andKeepsWhatTheEdgeSaw() {
        var log = new ActivityLog(10, Clock.systemUTC());
        log.completed(request("ok", 200));
        log.completed(request("refused", 401));
        var refused = log.latest(Optional.of("4xx"), 10);
        assertThat(refused).extracting(ActivityLog.Entry::requestId).containsExactly("refused");
        assertThat(refused.get(0).error()).isEqualTo("unauthorized");
        assertThat(refused.get(0).userId()).isEqualTo("u-1");
        assertThat(refused.get(0).route()).isEqualTo("/api/v1/auth/me");
        assertThat(refused.get(0).durationMs()).isEqualTo(1.5);
        assertThat(log.latest(Optional.of("5xx"), 10)).isEmpty();
    }

    @Test
    void capacity_mustBePositive() {
        assertThatThrownBy(() -> new ActivityLog(0, Clock.systemUTC())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the activity log keeps at least one request");
    }
}
