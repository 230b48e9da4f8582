package dev.coffer.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coffer.backends.Backends;
import dev.coffer.credentials.Credentials;
import dev.coffer.app.CofferServer;
import dev.coffer.config.CofferConfig;
import dev.coffer.doctor.CheckResult;
import dev.coffer.doctor.Doctor;
import dev.coffer.provision.Provisioner;
import dev.coffer.testing.CutOffUpload;
import dev.coffer.testing.Http;
import dev.coffer.testing.MotoServer;
import dev.coffer.testing.TestCoffer;
import dev.coffer.testing.TestCollections;
import dev.coffer.support.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The runtime policy {@code coffer policy} writes, attached to an IAM user on moto with IAM
 * enforced on table and index ARNs, object ARNs and the s3:prefix condition
 * ({@link MotoServer#startWithResourceAuthorization}): every API operation of Coffer succeeds
 * under it, every action on every resource it grants is used (by serving, or by doctor for
 * DescribeTimeToLive), and with any one statement taken away the operations that need it fail
 * with access_denied, and {@code coffer doctor} names exactly that statement.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RuntimePolicyOnMotoTest {
    private static final String ACCOUNT = "123456789012";
    private static final String FILES = """
            [files]
            multipart_threshold_bytes = 5242880
            part_size_bytes = 5242880
            """;

    static Path authorizationLog;
    static MotoServer moto;
    static MotoServer.AccessKey admin;
    static CofferConfig appConfig;
    static ObjectNode policy;
    static TestCoffer coffer;
    static Http http;

    @BeforeAll
    static void provisionAndStartUnderTheRuntimePolicy() throws Exception {
        authorizationLog = Files.createTempFile("moto-authorization", ".jsonl");
        moto = MotoServer.startWithResourceAuthorization(3, authorizationLog);
        admin = moto.bootstrapAdmin();
        String suffix = Long.toHexString(System.nanoTime());
        String toml = TestCollections.SCANS.formatted(suffix) + FILES;
        var env = new HashMap<String, String>(Map.of(
                "AWS_DYNAMODB_ENDPOINT", moto.endpoint().toString(),
                "AWS_ENDPOINT_URL_S3", moto.endpoint().toString(),
                "AWS_ENDPOINT_URL_STS", moto.endpoint().toString(),
                "AWS_REGION", "us-east-1",
                "COFFER_USERS_TABLE", "users-" + suffix,
                "S3_BUCKET", "files-" + suffix,
                "SECRET_KEY", "policy-test-signing-key-0123456789abcdefgh"));
        env.putAll(keys(admin));
        // What `coffer init` does, with the admin's keys.
        CofferConfig adminConfig = TestCoffer.config(toml, env);
        try (Backends aws = Backends.open(adminConfig, Clock.systemUTC(), Credentials.Verification.BY_CALLER)) {
            var provisioner = Provisioner.of(aws);
            provisioner.apply(provisioner.plan(CofferServer.tables(adminConfig), adminConfig.storage()));
        }
        policy = new PolicyGenerator(PolicyTargets.of(adminConfig, CofferServer.tables(adminConfig), Optional.of(ACCOUNT))).runtime();
        MotoServer.AccessKey app = moto.createUser(admin, "coffer-app", policy.toString());
        env.putAll(keys(app));
        appConfig = TestCoffer.config(toml, env);
        // Start-up itself (identity, table and bucket checks, provision.on_start) runs under the policy.
        coffer = TestCoffer.startRemote(appConfig);
        http = coffer.http();
    }

    @AfterAll
    static void stop() throws Exception {
        if (coffer != null) {
            coffer.close();
        }
        if (moto != null) {
            moto.close();
        }
        if (authorizationLog != null) {
            Files.deleteIfExists(authorizationLog);
        }
    }

    private static Map<String, String> keys(MotoServer.AccessKey key) {
        return Map.of("AWS_ACCESS_KEY_ID", key.id(), "AWS_SECRET_ACCESS_KEY", key.secret());
    }

    /** One API call and the status it must answer. */
    record Step(String name, int expectedStatus, Supplier<Http.Response> call) {
    }

    /** A user of its own per run, so runs with statements removed do not depend on each other. */
    static final class Session {
        final String email;
        final String password = "correct horse battery";
        String access;
        String refresh;

        Session(String label) {
            this.email = label + "-" + Long.toHexString(System.nanoTime()) + "@example.com";
        }
    }

    /** Every operation of the API, in an order where each has what it needs. */
    static List<Step> everyOperation() {
        var s = new Session("everything");
        byte[] big = new byte[6 * 1024 * 1024];   // over the 5 MiB threshold: a multipart upload
        big[big.length - 1] = 7;
        var steps = new ArrayList<Step>();
        steps.add(new Step("register", 201, () -> http.request("POST", "/api/v1/auth/register")
                .json(Map.of("email", s.email, "password", s.password, "full_name", "Policy Tester")).send()));
        steps.add(new Step("login", 200, () -> remember(s, http.request("POST", "/api/v1/auth/login")
                .json(Map.of("email", s.email, "password", s.password)).send())));
        steps.add(new Step("refresh", 200, () -> remember(s, http.request("POST", "/api/v1/auth/refresh")
                .json(Map.of("refresh_token", s.refresh)).send())));
        steps.add(new Step("me", 200, () -> http.get("/api/v1/auth/me", s.access)));
        steps.add(new Step("rename", 200, () -> http.request("PATCH", "/api/v1/auth/me").bearer(s.access)
                .json(Map.of("full_name", "Renamed")).send()));
        steps.add(new Step("change password", 200, () -> remember(s, http.request("POST", "/api/v1/auth/change-password")
                .bearer(s.access).json(Map.of("old_password", s.password, "new_password", "second horse battery")).send())));
        steps.add(new Step("login again", 200, () -> remember(s, http.request("POST", "/api/v1/auth/login")
                .json(Map.of("email", s.email, "password", "second horse battery")).send())));
        steps.add(new Step("create record", 201, () -> http.postJson("/api/v1/collections/scans/items", s.access,
                Map.of("scan_id", "s-1", "scan_date", "2026-01-02", "score", 3))));
        steps.add(new Step("read record", 200, () -> http.get("/api/v1/collections/scans/items/s-1", s.access)));
        steps.add(new Step("replace record", 200, () -> http.request("PUT", "/api/v1/collections/scans/items/s-1").bearer(s.access)
                .json(Map.of("scan_date", "2026-01-03", "score", 4)).send()));
        steps.add(new Step("patch record", 200, () -> http.request("PATCH", "/api/v1/collections/scans/items/s-1").bearer(s.access)
                .json(Map.of("note", "patched")).send()));
        steps.add(new Step("create record kept until account deletion", 201, () -> http.postJson("/api/v1/collections/scans/items",
                s.access, Map.of("scan_id", "s-2", "scan_date", "2026-01-05", "score", 5))));
        steps.add(new Step("query by sort key", 200, () -> http.get("/api/v1/collections/scans/items?from=s-0&to=s-9", s.access)));
        steps.add(new Step("query local index", 200, () -> http.get(
                "/api/v1/collections/scans/items?index=scan-date-index&from=2026-01-01&to=2026-01-31", s.access)));
        steps.add(new Step("query global index", 200, () -> http.get("/api/v1/collections/scans/items?index=score-index&eq=4", s.access)));
        steps.add(new Step("upload file", 200, () -> http.request("PUT", "/api/v1/files/notes/a.txt").bearer(s.access)
                .body("hello".getBytes(StandardCharsets.UTF_8), "text/plain").send()));
        steps.add(new Step("upload file in parts", 200, () -> http.request("PUT", "/api/v1/files/big.bin").bearer(s.access)
                .body(big, "application/octet-stream").send()));
        steps.add(new Step("upload cut off midway", 400, () -> cutOffUpload(s.access)));
        steps.add(new Step("download file", 200, () -> http.get("/api/v1/files/notes/a.txt", s.access)));
        steps.add(new Step("download range", 206, () -> http.request("GET", "/api/v1/files/big.bin").bearer(s.access)
                .header("Range", "bytes=0-9").send()));
        steps.add(new Step("head file", 200, () -> http.request("HEAD", "/api/v1/files/notes/a.txt").bearer(s.access).send()));
        steps.add(new Step("list files", 200, () -> http.get("/api/v1/files?prefix=notes/", s.access)));
        steps.add(new Step("presign", 200, () -> http.postJson("/api/v1/files/presign", s.access, Map.of("path", "notes/a.txt"))));
        steps.add(new Step("delete file", 204, () -> http.request("DELETE", "/api/v1/files/notes/a.txt").bearer(s.access).send()));
        steps.add(new Step("delete record", 204, () -> http.request("DELETE", "/api/v1/collections/scans/items/s-1")
                .bearer(s.access).send()));
        steps.add(new Step("health", 200, () -> http.get("/health")));
        steps.add(new Step("logout", 204, () -> http.request("POST", "/api/v1/auth/logout").json(Map.of("refresh_token", s.refresh)).send()));
        // Logout revoked every access token of the user: account deletion needs a fresh one.
        steps.add(new Step("login after logout", 200, () -> remember(s, http.request("POST", "/api/v1/auth/login")
                .json(Map.of("email", s.email, "password", "second horse battery")).send())));
        // The usage counters' flush (a transaction checking the deletion marker) before the deletion removes them in a batch.
        steps.add(new Step("usage counters flushed", 200, () -> {
            coffer.server().flushUsage();
            return http.get("/api/v1/auth/me", s.access);
        }));
        steps.add(new Step("delete account", 204, () -> http.request("DELETE", "/api/v1/auth/me").bearer(s.access)
                .json(Map.of("password", "second horse battery")).send()));
        return steps;
    }

    /** A chunked upload past the multipart threshold whose client goes away: Coffer aborts the upload. */
    private static Http.Response cutOffUpload(String token) {
        // One 5 MiB part goes up, then the body ends without its last chunk.
        String answer = CutOffUpload.send(coffer.server().port(), token, "cut.bin", 7);
        int status = answer.startsWith("HTTP/1.1 ") ? Integer.parseInt(answer.substring(9, 12)) : -1;
        return new Http.Response(status, answer.getBytes(StandardCharsets.ISO_8859_1), null);
    }

    private static Http.Response remember(Session s, Http.Response tokens) {
        if (tokens.status() == 200) {
            s.access = tokens.json().path("access_token").asText();
            s.refresh = tokens.json().path("refresh_token").asText();
        }
        return tokens;
    }

    /** The steps whose answer was not the expected one, as "name: status body". */
    private static List<String> run(List<Step> steps) {
        var wrong = new ArrayList<String>();
        for (Step step : steps) {
            Http.Response response = step.call().get();
            if (response.status() != step.expectedStatus()) {
                wrong.add(step.name() + ": " + response);
            }
        }
        return wrong;
    }

    private static List<CheckResult> doctor() throws Exception {
        try (Backends aws = Backends.open(appConfig, Clock.systemUTC(), Credentials.Verification.BY_CALLER)) {
            return new Doctor(Clock.systemUTC()).run(aws, dev.coffer.app.CofferServer.tables(aws.config()));
        }
    }

    /** What coffer-app was allowed to do so far, as "action resource" lines, from moto's authorization log. */
    private static Set<String> allowedSoFar() throws IOException {
        var used = new TreeSet<String>();
        for (String line : Files.readAllLines(authorizationLog)) {
            JsonNode entry = Json.mapper().readTree(line);
            if (entry.path("principal").asText().endsWith(":user/coffer-app")) {
                used.add(entry.path("action").asText() + " " + entry.path("resource").asText());
            }
        }
        return used;
    }

    /** The (action, resource pattern) pairs of the policy that no line of {@code used} matches. */
    private static List<String> unused(Set<String> used, java.util.function.Predicate<String> actionFilter) {
        var unused = new ArrayList<String>();
        for (JsonNode statement : policy.path("Statement")) {
            for (JsonNode action : statement.path("Action")) {
                for (JsonNode resource : statement.path("Resource")) {
                    if (!actionFilter.test(action.asText())) {
                        continue;
                    }
                    var pattern = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(action.asText() + " "
                            + resource.asText()).replace("*", "\\E.*\\Q"));
                    if (used.stream().noneMatch(u -> pattern.matcher(u).matches())) {
                        unused.add(statement.path("Sid").asText() + ": " + action.asText() + " on " + resource.asText());
                    }
                }
            }
        }
        return unused;
    }

    @Test
    @Order(1)
    void runtimePolicy_everyOperationSucceeds_everyGrantIsUsed_doctorFit() throws Exception {
        assertThat(run(everyOperation())).isEmpty();
        Set<String> usedByServing = allowedSoFar();

        // Exactly what Coffer calls: each action on each resource of the policy was used by
        // start-up and the API, except DescribeTimeToLive, which only doctor calls.
        assertThat(unused(usedByServing, action -> !action.equals(PolicyGenerator.DESCRIBE_TTL))).isEmpty();

        List<CheckResult> checks = doctor();
        assertThat(unused(allowedSoFar(), action -> true)).isEmpty();
        assertThat(checks).filteredOn(r -> r instanceof CheckResult.Failed).isEmpty();
        assertThat(checks).filteredOn(r -> r.check().startsWith("permission ")).hasSizeGreaterThanOrEqualTo(20)
                .allSatisfy(r -> assertThat(r).isInstanceOf(CheckResult.Ok.class));
        assertThat(Doctor.fit(checks)).isTrue();
    }

    @Test
    @Order(2)
    void eachStatementRemoved_itsOperationsDenied_andDoctorNamesIt() throws Exception {
        String users = appConfig.storage().usersTable();
        String scans = CofferServer.tables(appConfig).stream().map(t -> t.name()).filter(n -> n.startsWith("t-scans-")).findFirst()
                .orElseThrow();
        // For each statement, an operation that cannot work without it.
        Map<String, Function<Session, Http.Response>> needs = new LinkedHashMap<>();
        needs.put(PolicyGenerator.sid("Table", users), s -> http.get("/api/v1/auth/me", s.access));
        needs.put(PolicyGenerator.sid("Table", users + "-auth"), s -> http.request("POST", "/api/v1/auth/login")
                .json(Map.of("email", s.email, "password", s.password)).send());
        needs.put(PolicyGenerator.sid("Table", scans), s -> http.postJson("/api/v1/collections/scans/items", s.access,
                Map.of("scan_id", "x-1", "scan_date", "2026-02-01", "score", 1)));
        needs.put(PolicyGenerator.sid("Indexes", scans), s -> http.get("/api/v1/collections/scans/items?index=score-index&eq=1", s.access));
        needs.put(PolicyGenerator.OBJECTS_SID, s -> http.request("PUT", "/api/v1/files/x.txt").bearer(s.access)
                .body("x".getBytes(StandardCharsets.UTF_8), "text/plain").send());
        // With the stream readable, the answer would be an endless event stream; without, a 503 before it opens.
        needs.put(PolicyGenerator.sid("Stream", scans), s -> http.get("/api/v1/collections/scans/events", s.access));
        needs.put(PolicyGenerator.LIST_PREFIX_SID, s -> http.get("/api/v1/files", s.access));
        needs.put(PolicyGenerator.LIST_UPLOADS_SID, s -> http.request("DELETE", "/api/v1/auth/me").bearer(s.access)
                .json(Map.of("password", s.password)).send());

        var sids = new ArrayList<String>();
        policy.path("Statement").forEach(st -> sids.add(st.path("Sid").asText()));
        assertThat(sids).containsAll(needs.keySet()).contains("CofferIdentity").hasSize(needs.size() + 1);

        for (String sid : needs.keySet()) {
            Session s = registeredAndLoggedIn(sid);
            moto.putUserPolicy(admin, "coffer-app", without(sid).toString());
            try {
                Http.Response denied = needs.get(sid).apply(s);
                assertThat(denied.status()).as("%s removed: %s", sid, denied).isEqualTo(503);
                assertThat(denied.json().path("code").asText()).as("%s removed: %s", sid, denied).isEqualTo("access_denied");

                List<CheckResult> checks = doctor();
                List<CheckResult> failed = checks.stream().filter(r -> r instanceof CheckResult.Failed).toList();
                assertThat(failed).as("%s removed", sid).isNotEmpty()
                        .allSatisfy(r -> assertThat(r.line()).contains("access_denied").contains("add statement " + sid + " from "));
                assertThat(Doctor.fit(checks)).isFalse();
            } finally {
                moto.putUserPolicy(admin, "coffer-app", policy.toString());
            }
        }

        // AWS answers GetCallerIdentity whatever the policy says; the statement only documents it.
        moto.putUserPolicy(admin, "coffer-app", without("CofferIdentity").toString());
        try {
            assertThat(Doctor.fit(doctor())).isTrue();
        } finally {
            moto.putUserPolicy(admin, "coffer-app", policy.toString());
        }
    }

    private static Session registeredAndLoggedIn(String label) {
        Session s = new Session(label.toLowerCase());
        Http.Response registered = http.request("POST", "/api/v1/auth/register")
                .json(Map.of("email", s.email, "password", s.password, "full_name", "Policy Tester")).send();
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        Http.Response tokens = remember(s, http.request("POST", "/api/v1/auth/login")
                .json(Map.of("email", s.email, "password", s.password)).send());
        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        return s;
    }

    private static ObjectNode without(String sid) {
        ObjectNode copy = policy.deepCopy();
        ArrayNode statements = (ArrayNode) copy.path("Statement");
        for (int i = statements.size() - 1; i >= 0; i--) {
            JsonNode statement = statements.get(i);
            if (statement.path("Sid").asText().equals(sid)) {
                statements.remove(i);
            }
        }
        return copy;
    }
}
