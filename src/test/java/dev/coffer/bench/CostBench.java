package dev.coffer.bench;

import dev.coffer.aws.AwsCallListener;
import dev.coffer.aws.CapacityUse;
import dev.coffer.config.PricingConfig;
import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.TestCoffer;
import dev.coffer.usage.CostEstimate;
import dev.coffer.usage.UsageReport;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The cost of a scripted workload, as Coffer reports it and by hand (COSTS.md). N users each run
 * the DermaLens flow of ExampleAppsTest (register, log in, profile, one scan image, four scans, a
 * date-range query, six chat messages, a session query, a plan; the image downloaded once)
 * against Coffer on the embedded default. An AWS call listener of the bench's own counts every
 * DynamoDB request unit, S3 request and byte out the whole time; Coffer's deployment report (after
 * its one flush) is then compared with the same counts priced by hand, and the per-user reports
 * are summed and compared with the deployment's.
 *
 * <p>Run: {@code scripts/cost-bench [N]} (default 200).
 */
public final class CostBench {
    /** The bench's own count of what the AWS clients did, independent of Coffer's tally. */
    static final class Independent implements AwsCallListener {
        final DoubleAdder read = new DoubleAdder();
        final DoubleAdder write = new DoubleAdder();
        final AtomicLong s3Put = new AtomicLong();
        final AtomicLong s3Get = new AtomicLong();
        final AtomicLong bytesOut = new AtomicLong();
        final AtomicLong conditionFailures = new AtomicLong();

        @Override
        public void consumed(CapacityUse use) {
            (use.kind() == CapacityUse.Kind.READ ? read : write).add(use.units());
        }

        @Override
        public void failed(String service, String operation, String code, String awsCode) {
            if (awsCode.equals("ConditionalCheckFailedException")) {
                conditionFailures.incrementAndGet();
            }
        }

        @Override
        public void answered(String service, String operation, int status) {
            if (!service.equals("s3") || operation.startsWith("Delete") || operation.equals("AbortMultipartUpload")) {
                return;
            }
            boolean put = operation.startsWith("Put") || operation.startsWith("List") || operation.startsWith("Create")
                    || operation.startsWith("Copy") || operation.startsWith("UploadPart") || operation.equals("CompleteMultipartUpload");
            (put ? s3Put : s3Get).incrementAndGet();
        }

        @Override
        public void transferred(String service, String operation, long sent, long received) {
            if (service.equals("s3") && operation.equals("GetObject")) {
                bytesOut.addAndGet(received);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        try (EmbeddedServers stack = EmbeddedServers.inMemory().start("in memory, cost bench");
             TestCoffer coffer = TestCoffer.startExample(stack, Path.of("examples/dermalens.toml"),
                     Map.of("COFFER_USAGE_FLUSH_INTERVAL", "5m"))) {
            var independent = new Independent();
            AutoCloseable subscription = coffer.server().clients().subscribe(independent);
            // Without the contract check of every answer (the test client's default): the bench measures Coffer, not the validator.
            Http http = new Http(coffer.http().base(), false);
            long started = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            var runs = new ArrayList<Future<?>>();
            for (int i = 0; i < users; i++) {
                int n = i;
                runs.add(pool.submit(() -> flow(http, n)));
            }
            for (Future<?> run : runs) {
                run.get();
            }
            pool.shutdown();
            double seconds = (System.nanoTime() - started) / 1e9;
            // Everything counted so far goes into the month items; the flush's own writes are counted for the next one.
            subscription.close();
            coffer.server().flushUsage();

            UsageReport report = coffer.server().usageReport();
            UsageReport.DeploymentReport deployment = report.deployment(users);
            PricingConfig prices = coffer.server().config().usage().pricing();
            var month = deployment.month();
            System.out.printf("workload: %d users x DermaLens flow in %.1f s (%d requests)%n", users, seconds, (long) users * FLOW_REQUESTS);
            System.out.printf("%-28s %18s %18s%n", "", "Coffer reports", "bench counted");
            System.out.printf("%-28s %18s %18s%n", "DynamoDB read units", month.readUnits(), independent.read.sum());
            System.out.printf("%-28s %18s %18s%n", "DynamoDB write units", month.writeUnits(),
                    independent.write.sum() + independent.conditionFailures.get());
            System.out.printf("%-28s %18d %18d%n", "S3 PUT/COPY/POST/LIST", month.s3PutClass(), independent.s3Put.get());
            System.out.printf("%-28s %18d %18d%n", "S3 GET/HEAD/other", month.s3GetClass(), independent.s3Get.get());
            System.out.printf("%-28s %18d %18d%n", "bytes out", month.bytesOut(), independent.bytesOut.get());
            System.out.printf("%-28s %18d%n", "files bytes stored", deployment.filesBytes());
            System.out.printf("%-28s %18d (%d items)%n", "item bytes stored", deployment.itemBytes(), deployment.items());

            MathContext mc = MathContext.DECIMAL64;
            BigDecimal hand = BigDecimal.valueOf(independent.read.sum()).multiply(prices.dynamoDbReadPerMillion()).divide(BigDecimal.valueOf(1_000_000), mc)
                    .add(BigDecimal.valueOf(independent.write.sum() + independent.conditionFailures.get())
                            .multiply(prices.dynamoDbWritePerMillion()).divide(BigDecimal.valueOf(1_000_000), mc))
                    .add(BigDecimal.valueOf(independent.s3Put.get()).multiply(prices.s3ClassAPerThousand()).divide(BigDecimal.valueOf(1000), mc))
                    .add(BigDecimal.valueOf(independent.s3Get.get()).multiply(prices.s3ClassBPerThousand()).divide(BigDecimal.valueOf(1000), mc))
                    .add(BigDecimal.valueOf(independent.bytesOut.get()).divide(CostEstimate.GIB, mc).multiply(prices.transferOutPerGb()));
            CostEstimate soFar = deployment.soFar();
            BigDecimal reported = soFar.total().subtract(soFar.lines().get("dynamodb_storage")).subtract(soFar.lines().get("s3_storage"));
            System.out.println("cost lines so far (USD): " + soFar.lines());
            System.out.printf("requests and transfer, Coffer: %s USD%n", reported.round(new MathContext(8)));
            System.out.printf("requests and transfer, hand:   %s USD%n", hand.round(new MathContext(8)));
            System.out.printf("difference: %.4f %%%n", reported.subtract(hand).abs().divide(hand, mc).doubleValue() * 100);
            BigDecimal perUser = BigDecimal.ZERO;
            for (UsageReport.UserReport user : deployment.byCost()) {
                perUser = perUser.add(user.soFar().total());
            }
            System.out.printf("sum of the %d per-user estimates: %s USD (deployment: %s USD; the rest is calls made for no user: sign-up, login)%n",
                    deployment.byCost().size(), perUser.round(new MathContext(8)), soFar.total().round(new MathContext(8)));
            System.out.printf("storage for a whole month: S3 %s USD, DynamoDB %s USD%n",
                    deployment.projected().lines().get("s3_storage").round(new MathContext(6)),
                    deployment.projected().lines().get("dynamodb_storage").round(new MathContext(6)));
            System.out.printf("per user: %s USD for the flow%n", reported.divide(BigDecimal.valueOf(users), mc).round(new MathContext(6)));
        }
    }

    static final int FLOW_REQUESTS = 19;

    /** The DermaLens flow of ExampleAppsTest for user {@code n}, without the account deletion. */
    static void flow(Http http, int n) {
        String email = "derma-" + n + "@example.com";
        check(http.request("POST", "/api/v1/auth/register").json(Map.of("email", email, "password", "skin-care-2026",
                "full_name", "Dee Derma " + n)).send(), 201);
        String token = http.request("POST", "/api/v1/auth/login").json(Map.of("email", email, "password", "skin-care-2026"))
                .send().json().path("access_token").asText();
        check(http.get("/api/v1/auth/me", token), 200);
        byte[] image = new byte[48 * 1024];
        image[0] = (byte) 0xFF;
        image[1] = (byte) 0xD8;
        check(http.request("PUT", "/api/v1/files/scans/scan-1.jpg").bearer(token).body(image, "image/jpeg").send(), 200);
        for (String date : List.of("2026-01-03", "2026-01-10", "2026-01-20", "2026-02-01")) {
            check(http.request("POST", "/api/v1/collections/scans/items").bearer(token).json(Map.of("scan_date", date,
                    "image_path", "scans/scan-1.jpg", "diagnosis", "benign")).send(), 201);
        }
        check(http.get("/api/v1/collections/scans/items?index=scan-date-index&from=2026-01-05&to=2026-01-31&order=desc", token), 200);
        for (int i = 0; i < 3; i++) {
            for (String session : List.of("s-1", "s-2")) {
                check(http.request("POST", "/api/v1/collections/messages/items").bearer(token)
                        .json(Map.of("session_id", session, "text", session + " message " + i)).send(), 201);
            }
        }
        check(http.get("/api/v1/collections/messages/items?index=session-index&eq=s-1", token), 200);
        check(http.request("POST", "/api/v1/collections/plans/items").bearer(token).json(Map.of("steps", List.of("sunscreen")))
                .send(), 201);
        check(http.get("/api/v1/files/scans/scan-1.jpg", token), 200);
    }

    private static void check(Http.Response response, int status) {
        if (response.status() != status) {
            throw new IllegalStateException("expected " + status + ", got " + response);
        }
    }

    private CostBench() {
    }

}
