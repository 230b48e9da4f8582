package dev.coffer.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class AtOnceTest {
    @Test
    void calls_runTogether_andAnswerInTheirOrder() {
        // Each call waits until all three are running: in sequence the first would wait forever (the latch times out).
        var running = new CountDownLatch(3);
        Supplier<String> a = () -> awaitOthers(running, "a");
        Supplier<String> b = () -> awaitOthers(running, "b");
        Supplier<String> c = () -> awaitOthers(running, "c");
        assertThat(AtOnce.all(List.of(a, b, c))).containsExactly("a", "b", "c");
    }

    @Test
    void theFirstFailingCallInOrder_isThrownAsItself_afterEveryCallEnded() {
        var ended = new AtomicInteger();
        Supplier<String> fine = () -> {
            ended.incrementAndGet();
            return "fine";
        };
        Supplier<String> first = () -> {
            ended.incrementAndGet();
            throw new IllegalArgumentException("first");
        };
        Supplier<String> second = () -> {
            ended.incrementAndGet();
            throw new UnsupportedOperationException("second");
        };
        assertThatThrownBy(() -> AtOnce.all(List.of(fine, first, second, fine)))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("first");
        assertThat(ended).hasValue(4);
    }

    private static String awaitOthers(CountDownLatch running, String answer) {
        running.countDown();
        try {
            if (!running.await(30, TimeUnit.SECONDS)) {
                return "ran alone";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return answer;
    }
}
