package dev.coffer.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The short version of {@code ./reliability/run kill}: Coffer killed with SIGKILL mid-write loses and half-writes nothing. */
class KillCofferTest {
    @Test
    void cofferKilledMidWrite_noAcknowledgedWriteLost_nothingHalfWritten() throws Exception {
        KillCoffer.Report report = KillCoffer.run(3, 40, 2);

        assertThat(report.kills()).isEqualTo(2);
        assertThat(report.ackedItems() + report.ackedFiles()).as(report.toString()).isPositive();
        assertThat(report.lost()).as(report.toString()).isZero();
        assertThat(report.resurrected()).as(report.toString()).isZero();
        assertThat(report.halfWritten()).as(report.toString()).isZero();
        assertThat(report.violations()).as(report.toString()).isEmpty();
    }
}
