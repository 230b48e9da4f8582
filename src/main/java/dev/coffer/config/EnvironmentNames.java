package dev.coffer.config;

import dev.coffer.support.Spelling;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which environment names Coffer answers for, and the warnings for the rest: every variable
 * (in the environment or {@code .env}) whose name starts with {@code COFFER_}, {@code AWS_},
 * {@code DYNAMODB_} or {@code S3_} is either read by Coffer, read by the AWS SDK inside Coffer's
 * own clients, set by a platform or tool for itself, or reported, so nothing configured is
 * silently ignored. The lists are deliberate; README.md ("Environment names") documents them and
 * a test checks that every name the SDK reads is placed in one of them.
 */
final class EnvironmentNames {
    static final List<String> WATCHED_PREFIXES = List.of("COFFER_", "AWS_", "DYNAMODB_", "S3_");

    /**
     * Read by the AWS SDK itself inside the clients and credential providers Coffer builds (Coffer
     * neither reads nor overrides them), so they take effect: passed by silently.
     */
    static final Set<String> READ_BY_SDK = Set.of(
            // profile and sso modes: the SDK's profile provider finds the shared files through these
            "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
            // the instance profile provider
            "AWS_EC2_METADATA_DISABLED", "AWS_EC2_METADATA_V1_DISABLED", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
            "AWS_METADATA_SERVICE_TIMEOUT",
            // every client: retry mode (Coffer sets only the attempts), endpoints, checksums, signing, user agent
            "AWS_RETRY_MODE", "AWS_DEFAULTS_MODE", "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT",
            "AWS_ACCOUNT_ID_ENDPOINT_MODE", "AWS_PARTITIONS_FILE", "AWS_REQUEST_CHECKSUM_CALCULATION",
            "AWS_RESPONSE_CHECKSUM_VALIDATION", "AWS_DISABLE_REQUEST_COMPRESSION", "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES",
            "AWS_SDK_UA_APP_ID", "AWS_SIGV4A_SIGNING_REGION_SET", "AWS_AUTH_SCHEME_PREFERENCE",
            "AWS_ENDPOINT_DISCOVERY_ENABLED", "AWS_NEW_RETRIES_2026",
            // the S3 client
            "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "AWS_S3_DISABLE_EXPRESS_SESSION_AUTH", "AWS_S3_USE_ARN_REGION",
            "AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS");

    /**
     * Set by a platform or another tool for itself, not configuration meant for Coffer: passed by
     * silently. AWS_STS_REGIONAL_ENDPOINTS is injected by EKS's pod identity webhook (the Java SDK
     * always uses regional STS); AWS_CA_BUNDLE is the AWS CLI's and Python's (Coffer trusts the
     * JVM's trust store, and a missing CA fails loudly at the first TLS handshake).
     */
    static final Set<String> SET_BY_PLATFORM = Set.of("AWS_EXECUTION_ENV", "AWS_STS_REGIONAL_ENDPOINTS",
            "AWS_DEFAULT_OUTPUT", "AWS_PAGER", "AWS_CA_BUNDLE", "AWS_VAULT");

    /** Prefixes of names platforms and tools set for themselves (Lambda, X-Ray, the AWS CLI, Batch, aws-vault). */
    static final List<String> SET_BY_PLATFORM_PREFIXES = List.of("AWS_LAMBDA_", "AWS_XRAY_", "AWS_CLI_", "AWS_BATCH_",
            "AWS_VAULT_");

    /** Coffer's own tooling: the launcher ({@code ./coffer}) and the test harness. */
    static final Set<String> COFFER_TOOLING = Set.of("COFFER_JAVA_OPTS", "COFFER_AOT", "COFFER_TRAIN_ROUNDS", "COFFER_MOTO_PYTHON",
            "COFFER_MOTO_AUTHORIZATION_LOG", "COFFER_AWS_CLI", "COFFER_CLIENTS_PYTHON", "COFFER_TSC",
            "COFFER_SKIP_BROWSER_TESTS",
            "COFFER_NGINX", "COFFER_CHROMIUM", "COFFER_CHROMEDRIVER");

    /**
     * Names other SDKs and tools read (or the SDK reads but Coffer overrides) for something Coffer
     * takes under another name: reported, always with that name.
     */
    static final Map<String, String> USE_INSTEAD = Map.ofEntries(
            Map.entry("AWS_MAX_ATTEMPTS", "COFFER_AWS_MAX_RETRIES"),
            Map.entry("AWS_ACCOUNT_ID", "COFFER_AWS_EXPECTED_ACCOUNT_ID"),
            Map.entry("AWS_CONTAINER_SERVICE_ENDPOINT", "AWS_CONTAINER_CREDENTIALS_FULL_URI"),
            Map.entry("AWS_SECURITY_TOKEN", "AWS_SESSION_TOKEN"),
            Map.entry("AWS_SECRET_KEY", "AWS_SECRET_ACCESS_KEY"),
            Map.entry("AWS_DEFAULT_PROFILE", "AWS_PROFILE"),
            Map.entry("AWS_SESSION_EXPIRATION", "AWS_CREDENTIAL_EXPIRATION"),
            Map.entry("AWS_S3_ENDPOINT", "AWS_ENDPOINT_URL_S3"),
            Map.entry("S3_ENDPOINT", "AWS_ENDPOINT_URL_S3"),
            Map.entry("S3_REGION", "AWS_REGION"),
            Map.entry("DYNAMODB_REGION", "AWS_REGION"));

    /** Read by the SDK, but Coffer sets what they set another way, with nothing to suggest: reported. */
    static final Set<String> OVERRIDDEN_BY_COFFER = Set.of("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");

    /** The per-collection table names apps use, and names that look like a single app table. */
    private static final Pattern APP_TABLE = Pattern.compile("DYNAMODB_(?:(.+)_)?TABLE(?:_NAME)?|COFFER_COLLECTIONS_(.+)_TABLE");

    private EnvironmentNames() {
    }

    static boolean watched(String name) {
        return WATCHED_PREFIXES.stream().anyMatch(name::startsWith);
    }

    /**
     * The environment names that set collection {@code collection}'s table, first wins:
     * {@code COFFER_COLLECTIONS_<NAME>_TABLE}, then {@code DYNAMODB_<NAME>_TABLE} (NAME upper-cased,
     * other characters as {@code _}). A collection named {@code users} has only the first:
     * {@code DYNAMODB_USERS_TABLE} names the users table.
     */
    static List<String> collectionTable(String collection) {
        String token = token(collection);
        String appName = "DYNAMODB_" + token + "_TABLE";
        return ConfigKeys.USERS_TABLE.envNames().contains(appName)
                ? List.of("COFFER_COLLECTIONS_" + token + "_TABLE")
                : List.of("COFFER_COLLECTIONS_" + token + "_TABLE", appName);
    }

    static String token(String collection) {
        return collection.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** Every warning for {@code variables}, given the collections coffer.toml declares; sorted by variable. */
    static List<ConfigWarning> warnings(Variables variables, Collection<String> collections) {
        var known = new LinkedHashSet<String>();
        var namesOfSetting = new LinkedHashMap<String, List<String>>();
        for (ConfigKey key : ConfigKeys.all()) {
            known.addAll(key.envNames());
            namesOfSetting.put(key.name(), key.envNames());
        }
        for (String collection : collections) {
            known.addAll(collectionTable(collection));
            namesOfSetting.put("collections." + collection + ".table", collectionTable(collection));
        }
        var byVariable = new TreeMap<String, ConfigWarning>();
        for (String source : List.of(ConfigLoader.SOURCE_DOTENV, ConfigLoader.SOURCE_ENV)) {
            Map<String, String> values = variables.from(source);
            namesOfSetting.forEach((setting, names) ->
                    conflict(setting, names, values, source).ifPresent(w -> byVariable.put(w.variable(), w)));
            // The environment is read second, so a name set in both is reported as the environment's.
            values.forEach((name, value) -> {
                if (!value.isBlank() && !passedBy(name, known)) {
                    byVariable.put(name, unused(name, source, known, collections));
                }
            });
        }
        return List.copyOf(byVariable.values());
    }

    private static boolean passedBy(String name, Set<String> known) {
        return known.contains(name) || READ_BY_SDK.contains(name) || SET_BY_PLATFORM.contains(name)
                || COFFER_TOOLING.contains(name) || SET_BY_PLATFORM_PREFIXES.stream().anyMatch(name::startsWith);
    }

    private static ConfigWarning unused(String name, String source, Set<String> known, Collection<String> collections) {
        String subject = "environment variable " + name + (source.equals(ConfigLoader.SOURCE_ENV) ? "" : " (from " + source + ")");
        var appTable = APP_TABLE.matcher(name);
        if (appTable.matches()) {
            boolean canonical = appTable.group(2) != null;
            String collection = canonical ? appTable.group(2) : appTable.group(1);
            Optional<String> meant = collection == null ? Optional.empty() : nearestTable(collection, canonical, collections);
            if (meant.isPresent() && meant.get().equals(exactTable(collection, canonical, collections))) {
                // The collection exists, the name is only written another way (e.g. DYNAMODB_SCANS_TABLE_NAME).
                return new ConfigWarning(name, subject + " is not used by Coffer" + guess(meant));
            }
            String declared = collections.isEmpty() ? "none is declared"
                    : "declared: " + collections.stream().sorted().collect(Collectors.joining(", "));
            String what = collection == null
                    ? "a collection's table is set by DYNAMODB_<COLLECTION>_TABLE or its table in coffer.toml"
                    : "coffer.toml declares no collection " + collection.toLowerCase(Locale.ROOT);
            return new ConfigWarning(name, subject + " is not used by Coffer: " + what + " (" + declared + ")" + guess(meant));
        }
        Optional<String> meant = USE_INSTEAD.containsKey(name) ? Optional.of(USE_INSTEAD.get(name)) : nearest(name, known);
        return new ConfigWarning(name, subject + " is not used by Coffer" + guess(meant));
    }

    private static String guess(Optional<String> meant) {
        return meant.map(m -> "; did you mean " + m + "?").orElse("");
    }

    /**
     * The table name of the declared collection (or the users table) whose name is nearest to
     * {@code token}, in the form the variable was written. Compared by collection name alone, so
     * {@code DYNAMODB_ITEMS_TABLE} is not taken for a misspelt {@code DYNAMODB_USERS_TABLE}.
     */
    private static Optional<String> nearestTable(String token, boolean canonical, Collection<String> collections) {
        Map<String, String> byToken = tablesByToken(canonical, collections);
        if (byToken.containsKey(token)) {
            return Optional.of(byToken.get(token));
        }
        return Spelling.closest(token, byToken.keySet()).map(byToken::get);
    }

    /** The table name of exactly the collection (or users table) {@code token} names, or null. */
    private static String exactTable(String token, boolean canonical, Collection<String> collections) {
        return tablesByToken(canonical, collections).get(token);
    }

    private static Map<String, String> tablesByToken(boolean canonical, Collection<String> collections) {
        var byToken = new HashMap<String, String>();
        for (String collection : collections) {
            List<String> names = collectionTable(collection);
            byToken.put(token(collection), canonical ? names.get(0) : names.get(names.size() - 1));
        }
        if (!canonical) {
            byToken.putIfAbsent("USERS", "DYNAMODB_USERS_TABLE");
        }
        return byToken;
    }

    /**
     * The known name nearest to {@code name}, also comparing with each known name's
     * {@code COFFER_} or {@code AWS_} left off, so {@code DYNAMODB_ENDPOINT} finds
     * {@code AWS_DYNAMODB_ENDPOINT}.
     */
    private static Optional<String> nearest(String name, Set<String> known) {
        var forms = new HashMap<String, String>();
        var candidates = new ArrayList<String>(known);
        candidates.addAll(READ_BY_SDK);
        candidates.forEach(candidate -> forms.put(candidate, candidate));
        for (String candidate : candidates) {
            for (String prefix : List.of("COFFER_", "AWS_")) {
                if (candidate.startsWith(prefix)) {
                    forms.putIfAbsent(candidate.substring(prefix.length()), candidate);
                }
            }
        }
        if (forms.containsKey(name)) {
            return Optional.of(forms.get(name));
        }
        return Spelling.closest(name, forms.keySet()).map(forms::get);
    }

    /** Two names of one key set to different values in the same source: the later ones are not used. */
    private static Optional<ConfigWarning> conflict(String setting, List<String> names, Map<String, String> values, String source) {
        String used = null;
        var ignored = new ArrayList<String>();
        for (String name : names) {
            String value = values.get(name);
            if (value == null || value.isBlank()) {
                continue;
            }
            if (used == null) {
                used = name;
            } else if (!value.strip().equals(values.get(used).strip())) {
                ignored.add(name);
            }
        }
        if (ignored.isEmpty()) {
            return Optional.empty();
        }
        String from = source.equals(ConfigLoader.SOURCE_ENV) ? "" : " (from " + source + ")";
        return Optional.of(new ConfigWarning(ignored.get(0), "environment variables " + used + " and " + String.join(", ", ignored)
                + from + " set " + setting + " to different values; " + used + " is used (names are tried in the order "
                + String.join(", ", names) + ")"));
    }

    /** The watched variables as each source gave them. */
    record Variables(Map<String, String> dotEnv, Map<String, String> environment) {
        static final Variables NONE = new Variables(Map.of(), Map.of());

        Variables {
            dotEnv = watchedOnly(dotEnv);
            environment = watchedOnly(environment);
        }

        Map<String, String> from(String source) {
            return source.equals(ConfigLoader.SOURCE_ENV) ? environment : dotEnv;
        }

        /**
         * The first of {@code names} set, with its name and source, as the loader reads every key:
         * the environment wins over .env, and within one source the earlier name wins. Blank
         * counts as unset.
         */
        Optional<Named> first(List<String> names) {
            for (String source : List.of(ConfigLoader.SOURCE_ENV, ConfigLoader.SOURCE_DOTENV)) {
                for (String name : names) {
                    String value = from(source).get(name);
                    if (value != null && !value.isBlank()) {
                        return Optional.of(new Named(name, new Setting(value, source)));
                    }
                }
            }
            return Optional.empty();
        }

        private static Map<String, String> watchedOnly(Map<String, String> all) {
            var kept = new TreeMap<String, String>();
            all.forEach((name, value) -> {
                if (name != null && value != null && watched(name)) {
                    kept.put(name, value);
                }
            });
            return java.util.Collections.unmodifiableMap(kept);
        }
    }

    /** A variable's value, with the variable's name. */
    record Named(String variable, Setting setting) {
    }
}
