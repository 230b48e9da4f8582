package dev.coffer.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.identity.UserId;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The stream reader's pause between reads: long while nobody subscribes, cut short by a subscription. */
class EventLogPollTest {
    private static final Duration FOREVER = Duration.ofHours(1);

    private static EventLog caughtUpLog() {
        var log = new EventLog("items", Duration.ofMinutes(5), 1024 * 1024, Clock.systemUTC());
        log.caughtUp();
        return log;
    }

    @Test
    void idlePause_endsWhenTheFirstSubscriptionArrives() throws Exception {
        EventLog log = caughtUpLog();
        var failure = new AtomicReference<Throwable>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                log.awaitNextRead(FOREVER, FOREVER, false);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        while (reader.getState() != Thread.State.TIMED_WAITING && reader.isAlive()) {
            Thread.onSpinWait();
        }
        log.subscribe(new Subscriber(new UserId("u1"), 8), Optional.empty());
        reader.join(Duration.ofMinutes(1));
        assertThat(reader.isAlive()).as("reader still paused after a subscription arrived").isFalse();
        assertThat(failure.get()).isNull();
    }

    @Test
    void withSubscribers_theActiveIntervalApplies_notTheIdleOne() throws Exception {
        EventLog log = caughtUpLog();
        log.subscribe(new Subscriber(new UserId("u1"), 8), Optional.empty());
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                log.awaitNextRead(Duration.ZERO, FOREVER, false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        reader.join(Duration.ofMinutes(1));
        assertThat(reader.isAlive()).isFalse();
    }

    @Test
    void lastReadFoundNews_theActiveIntervalApplies_evenWithoutSubscribers() throws Exception {
        EventLog log = caughtUpLog();
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                log.awaitNextRead(Duration.ZERO, FOREVER, true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        reader.join(Duration.ofMinutes(1));
        assertThat(reader.isAlive()).isFalse();
    }

    @Test
    void quiet_noSubscribers_theReaderWaitsTheIdleInterval() throws Exception {
        EventLog log = caughtUpLog();
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                log.awaitNextRead(Duration.ZERO, FOREVER, false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        while (reader.getState() != Thread.State.TIMED_WAITING && reader.isAlive()) {
            Thread.onSpinWait();
        }
        assertThat(reader.isAlive()).as("an idle log must not be read at the active interval").isTrue();
        reader.interrupt();
        reader.join(Duration.ofMinutes(1));
        assertThat(reader.isAlive()).isFalse();
    }
}
