package dev.coffer.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.local.EmbeddedServers;
import dev.coffer.testing.Http;
import dev.coffer.testing.SharedEmbeddedServers;
import dev.coffer.testing.TestCoffer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The console in a real browser: Debian's chromium, headless, driven by Selenium through Debian's
 * chromedriver ({@link Browser}). An operator with only a browser: sees that no admin exists and
 * how to make one; logs in; reads the credentials mode on the overview; finds a registered user,
 * opens their items and files, downloads a file; deletes the user after a confirmation naming the
 * counts, and the data is gone from DynamoDB and S3 (asked with the SDK directly, against the
 * embedded servers); a write without the CSRF header is refused inside the browser too; logs out.
 * Screenshots of the overview and the user page go to {@code target/console-screenshots/}.
 */
@ExtendWith(SharedEmbeddedServers.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final String ADMIN_EMAIL = "operator@example.com";
    private static final String ADMIN_PASSWORD = "operator password 1";
    private static final String FILE_TEXT = "quarterly numbers, by hand";

    static TestCoffer coffer;
    static Http http;
    static Browser browser;
    static String base;
    static String userId;
    static String notesTable;
    static EmbeddedServers servers;

    @BeforeAll
    static void start(EmbeddedServers stack) throws Exception {
        servers = stack;
        notesTable = "t-console-" + Long.toHexString(System.nanoTime());
        coffer = TestCoffer.start(stack, "[collections.notes]\ntable = \"" + notesTable + "\"\n", Map.of());
        http = coffer.http();
        base = "http://127.0.0.1:" + coffer.server().port();
        Map<String, String> credentials = Map.of("email", "bob@example.com", "password", "bob password 12", "full_name", "Bob Builder");
        assertThat(http.request("POST", "/api/v1/auth/register").json(credentials).send().status()).isEqualTo(201);
        String token = http.request("POST", "/api/v1/auth/login").json(Map.of("email", "bob@example.com", "password", "bob password 12"))
                .send().json().path("access_token").asText();
        userId = http.get("/api/v1/auth/me", token).json().path("user_id").asText();
        assertThat(http.postJson("/api/v1/collections/notes/items", token, Map.of("text", "first note")).status()).isEqualTo(201);
        assertThat(http.postJson("/api/v1/collections/notes/items", token, Map.of("text", "second note")).status()).isEqualTo(201);
        assertThat(http.request("PUT", "/api/v1/files/reports/q3.txt").bearer(token)
                .body(FILE_TEXT.getBytes(StandardCharsets.UTF_8), "text/plain").send().status()).isIn(200, 201);
        browser = Browser.start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            coffer.close();
        }
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(browser.driver(), Duration.ofSeconds(20));
    }

    private static WebElement visible(String id) {
        return waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    private static void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        File shot = browser.driver().getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Runs fetch() in the page (same origin, the browser's own cookies) and returns the status. */
    private static long fetchStatus(String method, String path) {
        Object status = ((JavascriptExecutor) browser.driver()).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch(arguments[1], {method: arguments[0], credentials: 'same-origin'}).then(r => done(r.status), e => done(-1));",
                method, path);
        return ((Number) status).longValue();
    }

    @Test
    @Order(1)
    void withoutAdmin_theConsoleSaysHowToCreateOne_andNothingElse() {
        browser.driver().get(base + "/console/");
        assertThat(visible("setup-command").getText()).isEqualTo("coffer admin create EMAIL");
        assertThat(browser.driver().findElement(By.id("login")).isDisplayed()).isFalse();
        assertThat(browser.driver().findElement(By.id("nav")).isDisplayed()).isFalse();
        Http.Response page = new Http(http.base(), false).get("/console/");   // a page, not an API answer
        assertThat(page.header("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("script-src 'self'", "default-src 'none'", "frame-ancestors 'none'").doesNotContain("unsafe-inline"));
    }

    @Test
    @Order(2)
    void login_overviewShowsTheCredentialsMode() throws IOException {
        coffer.server().admins().create(ADMIN_EMAIL, ADMIN_PASSWORD);
        browser.driver().get(base + "/console/");
        visible("login-email").sendKeys(ADMIN_EMAIL);
        browser.driver().findElement(By.id("login-password")).sendKeys("not the password");
        browser.driver().findElement(By.id("login-submit")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-error"), "wrong admin email or password"));
        browser.driver().findElement(By.id("login-password")).clear();
        browser.driver().findElement(By.id("login-password")).sendKeys(ADMIN_PASSWORD);
        browser.driver().findElement(By.id("login-submit")).click();
        String mode = coffer.server().credentials().current().mode().label();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("credentials-mode"), mode));
        assertThat(visible("health-status").getText()).isIn("healthy", "degraded");
        assertThat(browser.driver().findElement(By.id("tables")).getText()).contains(notesTable);
        browser.driver().findElement(By.id("run-doctor")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("doctor-verdict"), "fit to serve"));
        screenshot("overview.png");
    }

    @Test
    @Order(3)
    void aWriteWithoutTheCsrfHeader_isRefusedEvenFromTheConsolesOwnPage() {
        // The browser sends the session cookie (same origin) but not the header a page must add.
        assertThat(fetchStatus("POST", "/api/v1/admin/doctor")).isEqualTo(403);
        assertThat(fetchStatus("POST", "/api/v1/admin/users/" + userId + "/disable")).isEqualTo(403);
        assertThat(fetchStatus("GET", "/api/v1/admin/overview")).isEqualTo(200);
    }

    @Test
    @Order(4)
    void findTheUser_seeTheirItemsAndFiles_downloadOne() throws IOException {
        browser.driver().findElement(By.id("nav-users")).click();
        visible("users-search").sendKeys("BOB@");
        WebElement unfiltered = browser.driver().findElement(By.id("users"));
        browser.driver().findElement(By.id("users-search-submit")).click();
        waiting().until(ExpectedConditions.stalenessOf(unfiltered));
        waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#users .user-row"), 1));
        browser.driver().findElement(By.cssSelector("#users .user-link")).click();
        assertThat(visible("user-email").getText()).isEqualTo("bob@example.com");
        assertThat(visible("user-id").getText()).isEqualTo(userId);
        waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#records-notes .record-row"), 2));
        List<WebElement> records = browser.driver().findElements(By.cssSelector("#records-notes .record-row"));
        // Newest first.
        assertThat(records.get(0).getText()).contains("second note");
        assertThat(records.get(1).getText()).contains("first note");
        waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#files .file-row"), 1));
        assertThat(browser.driver().findElement(By.cssSelector("#files .file-row")).getText()).contains("reports/q3.txt", "text/plain");
        screenshot("user.png");

        browser.driver().findElement(By.cssSelector("#files .file-download")).click();
        Path downloaded = browser.downloads().resolve("q3.txt");
        waiting().until(driver -> Files.exists(downloaded) && size(downloaded) == FILE_TEXT.length());
        assertThat(Files.readString(downloaded)).isEqualTo(FILE_TEXT);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    @Order(5)
    void deleteTheUser_afterAConfirmationNamingTheCounts_andTheDataIsGone() {
        browser.driver().findElement(By.id("delete-user")).click();
        assertThat(visible("delete-summary").getText()).contains("bob@example.com", "2 item(s) in notes", "1 file(s)");
        browser.driver().findElement(By.id("confirm-delete")).click();
        assertThat(visible("delete-result").getText()).contains("2 item(s) in notes", "1 file(s)");

        var config = coffer.server().config();
        var keys = AwsBasicCredentials.create(EmbeddedServers.ACCESS_KEY_ID, EmbeddedServers.SECRET_ACCESS_KEY);
        try (DynamoDbClient dynamoDb = DynamoDbClient.builder().endpointOverride(servers.dynamoDb().endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(() -> keys).build();
             S3Client s3 = S3Client.builder().endpointOverride(servers.s3().endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                     .credentialsProvider(() -> keys).build()) {
            var items = dynamoDb.query(b -> b.tableName(notesTable).keyConditionExpression("user_id = :u")
                    .expressionAttributeValues(Map.of(":u", AttributeValue.fromS(userId))).consistentRead(true));
            assertThat(items.count()).isZero();
            var row = dynamoDb.getItem(b -> b.tableName(config.storage().usersTable())
                    .key(Map.of("user_id", AttributeValue.fromS(userId))).consistentRead(true));
            assertThat(row.hasItem() && !row.item().isEmpty()).isFalse();
            var objects = s3.listObjectsV2(b -> b.bucket(config.storage().bucket()).prefix(config.storage().prefix() + userId + "/"));
            assertThat(objects.contents()).isEmpty();
        }
    }

    @Test
    @Order(6)
    void collectionsAndActivity() {
        browser.driver().findElement(By.id("nav-collections")).click();
        assertThat(visible("collections").getText()).contains("notes", notesTable, "user_id / id");
        browser.driver().findElement(By.id("nav-activity")).click();
        visible("activity");
        WebElement table = browser.driver().findElement(By.id("activity"));
        new org.openqa.selenium.support.ui.Select(browser.driver().findElement(By.id("activity-filter"))).selectByValue("4xx");
        waiting().until(ExpectedConditions.stalenessOf(table));
        List<WebElement> rows = waiting().until(ExpectedConditions.presenceOfAllElementsLocatedBy(By.cssSelector("#activity .activity-row")));
        // The refused login and the CSRF refusals above are in the list; nothing but 4xx is.
        assertThat(rows).allSatisfy(row -> assertThat(row.findElements(By.tagName("td")).get(1).getText()).startsWith("4"));
        assertThat(rows).anySatisfy(row -> assertThat(row.getText()).contains("403", "/api/v1/admin/doctor"));
    }

    @Test
    @Order(7)
    void logOut_endsTheSession() {
        browser.driver().findElement(By.id("logout")).click();
        assertThat(visible("login-form").isDisplayed()).isTrue();
        assertThat(fetchStatus("GET", "/api/v1/admin/overview")).isEqualTo(401);
        browser.driver().navigate().refresh();
        assertThat(visible("login-email").isDisplayed()).isTrue();
    }

    /**
     * Headless Debian chromium through Debian's chromedriver, with a fresh profile and downloads
     * directory. Selenium Manager never runs: the driver and the browser are both named, so
     * nothing is downloaded. Missing binaries fail the test loudly (CI installs them:
     * scripts/browser.sh), unless {@code COFFER_SKIP_BROWSER_TESTS=1} says to skip.
     */
    record Browser(ChromeDriver driver, Path profile, Path downloads) implements AutoCloseable {
        /**
         * Debian's packages (chromium, chromium-driver), the versions of one another: where
         * scripts/browser.sh found them, else where Debian puts them.
         */
        static final String CHROMIUM = java.util.Objects.requireNonNullElse(System.getenv("COFFER_CHROMIUM"), "/usr/bin/chromium");
        static final String CHROMEDRIVER = java.util.Objects.requireNonNullElse(System.getenv("COFFER_CHROMEDRIVER"),
                "/usr/bin/chromedriver");

        static Browser start() throws IOException {
            boolean present = Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER));
            if (!present) {
                org.junit.jupiter.api.Assumptions.assumeFalse("1".equals(System.getenv("COFFER_SKIP_BROWSER_TESTS")),
                        "COFFER_SKIP_BROWSER_TESTS=1: browser tests skipped");
                throw new AssertionError("the console's browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                        + ": apt-get install -y chromium chromium-driver (./run-tests does, via scripts/browser.sh), "
                        + "or set COFFER_SKIP_BROWSER_TESTS=1 to skip them");
            }
            System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
            Path profile = Files.createTempDirectory("coffer-console-profile-");
            Path downloads = Files.createTempDirectory("coffer-console-downloads-");
            var options = new ChromeOptions();
            options.setBinary(CHROMIUM);
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    "--window-size=1280,1200", "--user-data-dir=" + profile);
            options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                    "download.prompt_for_download", false, "safebrowsing.enabled", false));
            var service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
            return new Browser(new ChromeDriver(service, options), profile, downloads);
        }

        @Override
        public void close() {
            driver.quit();
        }
    }
}
