package dev.coffer.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.backends.Backends;
import dev.coffer.credentials.Credentials;
import dev.coffer.config.CofferConfig;
import dev.coffer.testing.TestCoffer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Doctor on the embedded default: every check, and the missing-table and missing-bucket failures. */
class DoctorLocalTest {

    private static List<CheckResult> doctor(CofferConfig config) throws Exception {
        try (Backends env = Backends.open(config, Clock.systemUTC(), Credentials.Verification.BY_CALLER)) {
            return new Doctor(Clock.systemUTC()).run(env, dev.coffer.app.CofferServer.tables(env.config()));
        }
    }

    private static CheckResult find(List<CheckResult> results, String check) {
        return results.stream().filter(r -> r.check().equals(check)).findFirst()
                .orElseThrow(() -> new AssertionError("no check " + check + " in " + results));
    }

    @Test
    void doctor_nothingCreatedYet_missingTableAndBucketWithInitFix() throws Exception {
        CofferConfig config = TestCoffer.config("", Map.of());

        List<CheckResult> results = doctor(config);

        assertThat(Doctor.fit(results)).isFalse();
        CheckResult table = find(results, "table " + config.storage().usersTable());
        assertThat(table.line()).isEqualTo("FAIL  table " + config.storage().usersTable()
                + ": missing_table: the table does not exist. Fix: run 'coffer init'");
        assertThat(find(results, "bucket " + config.storage().bucket()).line()).isEqualTo("FAIL  bucket "
                + config.storage().bucket() + ": missing_bucket: the bucket does not exist. Fix: run 'coffer init' or set S3_BUCKET to an existing bucket");
        assertThat(find(results, "permission " + config.storage().usersTable())).isInstanceOf(CheckResult.Skipped.class);
    }

    @Test
    void doctor_afterProvisioning_fitWithEveryPermissionProbed() throws Exception {
        CofferConfig config = TestCoffer.config("", Map.of());
        try (var env = Backends.open(config, Clock.systemUTC(), Credentials.Verification.BY_CALLER)) {
            var provisioner = dev.coffer.provision.Provisioner.of(env);
            provisioner.apply(provisioner.plan(dev.coffer.app.CofferServer.tables(env.config()), config.storage()));
        }

        List<CheckResult> results = doctor(config);

        assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(CheckResult.Ok.class));
        assertThat(Doctor.fit(results)).isTrue();
        String table = config.storage().usersTable();
        assertThat(results).extracting(CheckResult::check).contains("permission " + table + " PutItem",
                "permission " + config.storage().bucket() + " PutObject", "permission " + config.storage().bucket() + " DeleteObject")
                // Coffer never queries email-index (it is kept for other apps), so no permission for it is probed.
                .doesNotContain("permission " + table + " Query index email-index");
    }
}
