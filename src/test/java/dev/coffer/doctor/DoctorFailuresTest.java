package dev.coffer.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.backends.Backends;
import dev.coffer.credentials.Credentials;
import dev.coffer.app.CofferServer;
import dev.coffer.config.CofferConfig;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.provision.Provisioner;
import dev.coffer.testing.MotoServer;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * `coffer doctor` against real peers, one failure at a time: STS on moto, data on the embedded
 * DynamoDB Local and S3Proxy, and DynamoDB on moto with IAM on for a missing permission.
 */
@ExtendWith(SharedEmbeddedServers.class)
class DoctorFailuresTest {

    private static List<CheckResult> doctor(CofferConfig config) throws Exception {
        try (Backends env = Backends.open(config, Clock.systemUTC(), Credentials.Verification.BY_CALLER)) {
            return new Doctor(Clock.systemUTC()).run(env, dev.coffer.app.CofferServer.tables(env.config()));
        }
    }

    private static String line(List<CheckResult> results, String check) {
        return results.stream().filter(r -> r.check().equals(check)).findFirst().map(CheckResult::line)
                .orElseThrow(() -> new AssertionError("no check " + check + " in " + results));
    }

    private static Map<String, String> remote(EmbeddedServers stack, MotoServer moto, String... pairs) {
        var env = TestCoffer.remoteEnv(stack.dynamoDb().endpoint(), stack.s3().endpoint());
        env.put("AWS_ENDPOINT_URL_STS", moto.endpoint().toString());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void eachFailure_namedWithCauseAndFix(EmbeddedServers stack) throws Exception {
        try (MotoServer moto = MotoServer.start(-1)) {
            // Missing table and bucket: nothing provisioned yet.
            CofferConfig fresh = TestCoffer.config("", remote(stack, moto));
            List<CheckResult> missing = doctor(fresh);
            assertThat(line(missing, "table " + fresh.storage().usersTable())).contains("FAIL").contains("missing_table")
                    .contains("Fix: run 'coffer init'");
            assertThat(line(missing, "bucket " + fresh.storage().bucket())).contains("FAIL").contains("missing_bucket");
            assertThat(line(missing, "identity")).startsWith("ok    identity: account 123456789012");
            assertThat(Doctor.fit(missing)).isFalse();

            // Wrong account.
            List<CheckResult> wrongAccount = doctor(TestCoffer.config("", remote(stack, moto, "COFFER_AWS_EXPECTED_ACCOUNT_ID", "111111111111")));
            assertThat(line(wrongAccount, "account")).isEqualTo("FAIL  account: wrong_account: credentials belong to account 123456789012, "
                    + "expected 111111111111. Fix: use credentials of account 111111111111 or correct aws.expected_account_id");

            // Expired session: refused before any AWS call.
            var expired = remote(stack, moto, "AWS_SESSION_TOKEN", "token", "AWS_CREDENTIAL_EXPIRATION", Instant.now().minusSeconds(60).toString());
            var expiredResults = new java.util.ArrayList<CheckResult>();
            try {
                expiredResults.addAll(doctor(TestCoffer.config("", expired)));
            } catch (dev.coffer.error.CofferException e) {
                expiredResults.add(new CheckResult.Failed("credentials", e.code().code(), e.detail(), e.fix().orElse(null)));
            }
            assertThat(expiredResults).anySatisfy(r -> assertThat(r.line()).contains("FAIL").contains("expired_credentials"));

            // No credentials at all (auto, nothing found).
            var none = new HashMap<>(remote(stack, moto));
            none.remove("AWS_ACCESS_KEY_ID");
            none.remove("AWS_SECRET_ACCESS_KEY");
            none.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9");
            var noneResults = new java.util.ArrayList<CheckResult>();
            try {
                noneResults.addAll(doctor(TestCoffer.config("", none)));
            } catch (dev.coffer.error.CofferException e) {
                noneResults.add(new CheckResult.Failed("credentials", e.code().code(), e.detail(), e.fix().orElse(null)));
            }
            assertThat(noneResults).anySatisfy(r -> assertThat(r.line()).startsWith("FAIL  credentials: no_credentials: no AWS credentials found"));
        }
    }

    @Test
    void bucketInAnotherRegion_namedWithTheRegionToSet(EmbeddedServers stack) throws Exception {
        try (MotoServer moto = MotoServer.start(-1)) {
            String bucket = "doc-eu-" + Long.toHexString(System.nanoTime());
            moto.cli(EmbeddedServers.ACCESS_KEY_ID, EmbeddedServers.SECRET_ACCESS_KEY, List.of("s3api", "create-bucket", "--bucket", bucket,
                    "--create-bucket-configuration", "LocationConstraint=eu-west-1", "--region", "eu-west-1"));
            var env = remote(stack, moto, "AWS_ENDPOINT_URL_S3", moto.endpoint().toString(), "S3_BUCKET", bucket,
                    "AWS_REGION", "us-east-1");
            List<CheckResult> results = doctor(TestCoffer.config("", env));

            assertThat(line(results, "region")).isEqualTo("FAIL  region: region_mismatch: bucket " + bucket
                    + " is in eu-west-1, Coffer is configured for us-east-1. Fix: set AWS_REGION=eu-west-1 (its tables must be "
                    + "in that region too), or use a bucket in us-east-1");
            assertThat(Doctor.fit(results)).isFalse();
        }
    }

    @Test
    void unknownKeyAndOneMissingPermission_onMotoWithIamOn(EmbeddedServers stack) throws Exception {
        try (MotoServer moto = MotoServer.start(3)) {
            MotoServer.AccessKey admin = moto.bootstrapAdmin();
            // Everything on DynamoDB but PutItem, plus identity.
            MotoServer.AccessKey app = moto.createUser(admin, "app", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                    + "\"Action\":[\"dynamodb:GetItem\",\"dynamodb:Query\",\"dynamodb:UpdateItem\",\"dynamodb:DeleteItem\","
                    + "\"dynamodb:DescribeTable\",\"dynamodb:DescribeTimeToLive\",\"dynamodb:ConditionCheckItem\","
                    + "\"dynamodb:BatchWriteItem\",\"sts:GetCallerIdentity\"],\"Resource\":\"*\"}]}");
            String adminId = admin.id();
            String adminSecret = admin.secret();
            Map<String, String> adminEnv = Map.of("AWS_ACCESS_KEY_ID", adminId, "AWS_SECRET_ACCESS_KEY", adminSecret,
                    "AWS_DYNAMODB_ENDPOINT", moto.endpoint().toString(), "AWS_ENDPOINT_URL_S3", stack.s3().endpoint().toString(),
                    "AWS_ENDPOINT_URL_STS", moto.endpoint().toString(), "COFFER_USERS_TABLE", "doc-users");
            CofferConfig adminConfig = TestCoffer.config("", adminEnv);
            try (Backends env = Backends.open(adminConfig, Clock.systemUTC(), Credentials.Verification.BY_CALLER)) {
                var provisioner = Provisioner.of(env);
                CofferServer.tables(env.config()).forEach(provisioner::ensureTable);
            }
            var appEnv = new HashMap<>(adminEnv);
            appEnv.put("AWS_ACCESS_KEY_ID", app.id());
            appEnv.put("AWS_SECRET_ACCESS_KEY", app.secret());
            List<CheckResult> results = doctor(TestCoffer.config("", appEnv));

            String table = "doc-users";
            assertThat(line(results, "permission " + table + " PutItem")).isEqualTo("FAIL  permission " + table
                    + " PutItem: access_denied: dynamodb:PutItem is denied. Fix: add statement CofferTableDocUsers from "
                    + "'coffer policy --for runtime' to this identity's policy");
            assertThat(line(results, "permission " + table + " GetItem")).startsWith("ok");
            assertThat(Doctor.fit(results)).isFalse();

            var unknown = new HashMap<>(appEnv);
            unknown.put("AWS_ACCESS_KEY_ID", "AKIAUNKNOWNKEY000001");
            List<CheckResult> unknownResults = doctor(TestCoffer.config("", unknown));
            assertThat(line(unknownResults, "identity")).contains("FAIL").contains("invalid_access_key").contains("InvalidClientTokenId");
        }
    }
}
