package dev.coffer.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The short run of the load-with-faults harness, in CI: outages never lose an acknowledged write. */
class LoadWithFaultsTest {
    @Test
    void clientsDuringBackendOutages_noAckedWriteLost_only503WithRetryHint_recoversWithoutRestart() throws Exception {
        LoadWithFaults.Report report = LoadWithFaults.run(4, 120, 1);
        System.out.println("load with faults: " + report);

        assertThat(report.outages()).isEqualTo(2);
        assertThat(report.violations()).isEmpty();
        assertThat(report.leaks()).isEmpty();
        assertThat(report.lostItems()).isZero();
        assertThat(report.lostFiles()).isZero();
        assertThat(report.ackedItems()).isPositive();
        assertThat(report.ackedFiles()).isPositive();
        assertThat(report.statuses()).containsKey(503);
        assertThat(report.healthyAfter()).isTrue();
    }
}
