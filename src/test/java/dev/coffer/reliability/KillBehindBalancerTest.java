package dev.coffer.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.SharedEmbeddedServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The short version of {@code ./reliability/run kill-balanced}: two Coffer processes behind nginx,
 * one killed with SIGKILL mid-load; every acknowledged write reads back through the balancer and is
 * in the DynamoDB table.
 */
@ExtendWith(SharedEmbeddedServers.class)
class KillBehindBalancerTest {
    @Test
    void oneInstanceKilledMidLoad_noAcknowledgedWriteLost(EmbeddedServers stack) throws Exception {
        KillBehindBalancer.Report report = KillBehindBalancer.run(stack, 2, 4, 60);
        System.out.println("kill behind balancer: " + report);

        assertThat(report.killed()).as(report.toString()).isTrue();
        // Every write was acknowledged in the end (retried past the kill), and more than the third before it.
        assertThat(report.ackedItems() + report.ackedFiles()).as(report.toString()).isEqualTo(4 * 60);
        assertThat(report.ackedFiles()).as(report.toString()).isEqualTo(4 * 15);
        assertThat(report.lost()).as(report.toString()).isZero();
        assertThat(report.lostInTable()).as(report.toString()).isZero();
        assertThat(report.violations()).as(report.toString()).isEmpty();
    }
}
