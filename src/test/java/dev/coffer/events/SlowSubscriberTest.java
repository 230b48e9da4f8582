package dev.coffer.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.http.EventStream;
import dev.coffer.identity.UserId;
import dev.coffer.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A subscriber that reads slower than its events come holds at most its buffer: the events past
 * it are dropped from its queue (they stay in the replay buffer), the stream sends what was
 * queued, then an {@code overflow} event carrying the id of the last event delivered, and ends;
 * resuming from that id yields exactly the dropped events. The replay buffer keeps only its
 * window. In memory, no AWS involved: the stream reader is tested against DynamoDB Local in
 * {@link LiveUpdatesTest}.
 */
class SlowSubscriberTest {
    private static final UserId ALICE = new UserId("alice");
    private static final UserId BOB = new UserId("bob");
    private final MutableClock clock = MutableClock.atNow();

    private ChangeEvent event(UserId user, int n) {
        return new ChangeEvent("notes", user, new EventPosition.Exact("shard-1", Integer.toString(100 + n), clock.millis()),
                "{\"id\":\"n" + n + "\"}");
    }

    /** A log whose reader has made its first pass (subscriptions do not wait). */
    private EventLog caughtUpLog() {
        var log = new EventLog("notes", Duration.ofMinutes(10), Long.MAX_VALUE, clock);
        log.caughtUp();
        return log;
    }

    /** Subscribes as a client sending {@code lastEventId} does: the id parsed, its position for the notes collection. */
    private static EventLog.Subscription resume(EventLog log, Subscriber subscriber, String lastEventId) throws InterruptedException {
        return log.subscribe(subscriber, Optional.of(EventPosition.parse(lastEventId).orElseThrow().get("notes")));
    }

    @Test
    void fullQueue_streamSendsWhatWasQueued_thenOverflowWithTheLastDeliveredId_resumeGetsTheRest() throws Exception {
        var log = caughtUpLog();
        var written = new ArrayList<String>();
        var blocked = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var released = new AtomicBoolean();
        // The client is stuck: its first write blocks until the test lets it go.
        EventStream.Sink stuck = text -> {
            written.add(text);
            if (text.startsWith("event: ready")) {
                blocked.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
            }
        };
        var subscription = new Subscription(ALICE, List.of(log), Map.of(), 3, Duration.ofMinutes(1), () -> released.set(true));
        Thread stream = Thread.ofVirtual().start(() -> {
            try {
                subscription.run(stuck);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        blocked.await();
        for (int n = 1; n <= 6; n++) {
            log.append(event(ALICE, n));
            log.append(event(BOB, 50 + n));
        }
        release.countDown();
        stream.join();

        List<String> changes = written.stream().filter(t -> t.startsWith("id: ")).toList();
        assertThat(changes).hasSize(3).allSatisfy(t -> assertThat(t).doesNotContain("n5"));
        assertThat(changes.get(2)).contains("\"n3\"");
        String lastDelivered = changes.get(2).substring(4, changes.get(2).indexOf('\n'));
        String overflow = written.getLast();
        assertThat(overflow).startsWith("event: overflow\nid: " + lastDelivered + "\n");
        assertThat(released).isTrue();

        var resumed = new Subscriber(ALICE, 16);
        var replay = resume(log, resumed, lastDelivered);
        assertThat(((EventLog.Replay.Events) replay.replay()).events()).extracting(ChangeEvent::data)
                .containsExactly("{\"id\":\"n4\"}", "{\"id\":\"n5\"}", "{\"id\":\"n6\"}");
    }

    @Test
    void resumeFromBeforeTheWindow_isAGap_notASilentLoss() throws Exception {
        var log = caughtUpLog();
        log.append(event(ALICE, 1));
        String firstId = EventPosition.format(Map.of("notes", event(ALICE, 1).position()));
        clock.advance(Duration.ofMinutes(11));
        log.append(event(ALICE, 2));
        var subscription = resume(log, new Subscriber(ALICE, 16), firstId);
        assertThat(subscription.replay()).isInstanceOf(EventLog.Replay.Gap.class);
    }

    /**
     * Each instance reads the stream on its own schedule: a client resuming on an instance that has
     * not read its last event yet must not get that event (or an earlier one of its shard) again when
     * the reader reaches it after the subscription, nor in the replay.
     */
    @Test
    void resumeOnAnInstanceBehindTheId_neverDeliversTheEventsTheClientHad() throws Exception {
        var behind = caughtUpLog();
        behind.append(event(ALICE, 1));
        String lastDelivered = EventPosition.format(Map.of("notes", event(ALICE, 3).position()));
        var resumed = new Subscriber(ALICE, 16);
        var subscription = resume(behind, resumed, lastDelivered);
        assertThat(((EventLog.Replay.Events) subscription.replay()).events()).isEmpty();
        for (int n = 2; n <= 5; n++) {
            behind.append(event(ALICE, n));
        }
        var delivered = new ArrayList<String>();
        for (ChangeEvent e = resumed.poll(Duration.ZERO); e != null; e = resumed.poll(Duration.ZERO)) {
            delivered.add(e.data());
        }
        assertThat(delivered).containsExactly("{\"id\":\"n4\"}", "{\"id\":\"n5\"}");
    }

    @Test
    void eventIds_roundTrip_andForeignTextIsRefused() {
        var positions = new java.util.LinkedHashMap<String, EventPosition>();
        positions.put("notes", new EventPosition.Exact("shardId-00000001-abc", "4000000000000000001", 1234));
        positions.put("tasks", new EventPosition.Since(99));
        String id = EventPosition.format(positions);
        assertThat(EventPosition.parse(id)).contains(positions);
        assertThat(EventPosition.parse("notes=s:shard:12")).isEmpty();
        assertThat(EventPosition.parse("notes=t:1,notes=t:2")).isEmpty();
        assertThat(EventPosition.parse("no/tes=t:1")).isEmpty();
        assertThat(EventPosition.parse("notes=s:sh ard:1:1")).isEmpty();
    }
}
