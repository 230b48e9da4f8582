package dev.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coffer usage}: per-user quota overrides, one user's report, recount, and one-line usage mistakes. */
class UsageCommandTest {
    @TempDir
    Path dir;

    @Test
    void setQuota_thenReportAndRecount_onTheEmbeddedDefault() throws Exception {
        CliRun set = CliRun.onEmbeddedDefault(dir, "usage-cli-users", "usage", "--set-quota", "user-7", "files_count=5",
                "files_bytes=none");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out()).contains("files_count: 5 (this user)").contains("files_bytes: none (this user)")
                .contains("items_per_collection: none (default)");

        CliRun report = CliRun.onEmbeddedDefault(dir, "usage-cli-users", "usage", "user-7", "--json");
        assertThat(report.exitCode()).as(report.err()).isZero();
        assertThat(report.out()).contains("\"user_id\" : \"user-7\"").contains("\"overridden\" : true").contains("\"so_far\"");

        CliRun recount = CliRun.onEmbeddedDefault(dir, "usage-cli-users", "usage", "--recount", "user-7");
        assertThat(recount.exitCode()).as(recount.err()).isZero();
        assertThat(recount.out()).contains("user-7: exact").contains("1 user(s) recounted, 0 had drifted");

        CliRun all = CliRun.onEmbeddedDefault(dir, "usage-cli-users", "usage");
        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.out()).startsWith("deployment: 1 user(s), 0 files").contains("top by cost");
    }

    @Test
    void setQuota_badPairs_oneLineAndExit2() throws Exception {
        CliRun unknown = CliRun.onEmbeddedDefault(dir, "usage-cli-bad", "usage", "--set-quota", "user-7", "disk=5");
        assertThat(unknown.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(unknown.err().strip()).isEqualTo("coffer: usage --set-quota: 'disk=5' is not QUOTA=VALUE with QUOTA one of "
                + "files_bytes, files_count, items_per_collection, requests_per_minute");
        CliRun missing = CliRun.of("usage", "--set-quota");
        assertThat(missing.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(missing.err()).contains("usage --set-quota needs USER and at least one QUOTA=VALUE");
    }
}
