package dev.coffer.auth;

import dev.coffer.aws.AwsErrors;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import dev.coffer.identity.UserId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The app's users as an operator sees them (the console): a page of the users table, optionally
 * filtered by a piece of the email or the exact id; one user's profile with its state; disabling,
 * enabling and deleting a user. Listing is the one Scan the auth piece makes (users table only,
 * granted as {@code dynamodb:Scan} in the runtime policy); deletion is {@link AccountDeletions},
 * the same path as {@code DELETE /api/v1/auth/me}. Thread-safe.
 */
public final class UserDirectory {
    /** Scan calls one search may make to fill a page when the filter matches few users. */
    private static final int MAX_SCANS_PER_PAGE = 20;
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

    private final DynamoDbClient dynamoDb;
    private final String usersTable;
    private final AccountStore accounts;
    private final DisabledUsers disabled;
    private final AccountDeletions deletions;
    UserDirectory(DynamoDbClient dynamoDb, String usersTable, AccountStore accounts, DisabledUsers disabled,
                  AccountDeletions deletions) {
        this.dynamoDb = dynamoDb;
        this.usersTable = usersTable;
        this.accounts = accounts;
        this.disabled = disabled;
        this.deletions = deletions;
    }

    /** A user in a list: what the users table says of them. */
    public record UserSummary(UserId userId, String email, String fullName, String createdAt) {
    }

    /** A page of users and the cursor of the next page (empty at the end). */
    public record Page(List<UserSummary> users, Optional<String> nextCursor) {
    }

    /** One user with what the console shows and acts on. */
    public record Profile(UserSummary user, boolean disabled, Optional<String> deletion) {
    }

    /**
     * Up to {@code limit} users whose email contains {@code query} (ignoring case) or whose id is
     * exactly it; all users when {@code query} is blank. In the table's order (unsorted).
     */
    public Page search(String query, Optional<String> cursor, int limit) {
        Map<String, AttributeValue> start = cursor.map(this::openCursor).orElse(null);
        String needle = query == null ? "" : query.trim();
        var found = new ArrayList<UserSummary>();
        for (int scans = 0; scans < MAX_SCANS_PER_PAGE && found.size() < limit; scans++) {
            Map<String, AttributeValue> from = start;
            int want = limit - found.size();
            ScanResponse page;
            try {
                page = dynamoDb.scan(b -> {
                    b.tableName(usersTable).limit(want).consistentRead(true);
                    if (!needle.isEmpty()) {
                        b.filterExpression("contains(email_key, :lower) OR contains(email, :typed) OR user_id = :typed")
                                .expressionAttributeValues(Map.of(":lower", AttributeValue.fromS(needle.toLowerCase(Locale.ROOT)),
                                        ":typed", AttributeValue.fromS(needle)));
                    }
                    if (from != null) {
                        b.exclusiveStartKey(from);
                    }
                });
            } catch (SdkException e) {
                throw AwsErrors.translate(e, "Scan on " + usersTable);
            }
            page.items().forEach(item -> found.add(summary(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            if (start == null) {
                break;
            }
        }
        // The cursor is the last user id seen: it reveals nothing an admin cannot list anyway, and a
        // made-up one only starts the scan elsewhere.
        Optional<String> next = Optional.ofNullable(start).map(key -> BASE64.encodeToString(key.get("user_id").s().getBytes(StandardCharsets.UTF_8)));
        return new Page(found, next);
    }

    public Optional<Profile> profile(UserId user) {
        Optional<Account> account = accounts.byId(user);
        Optional<String> deletion = accounts.deletionMarker(user).map(m -> m.state().name().toLowerCase(Locale.ROOT));
        if (account.isEmpty() && deletion.isEmpty()) {
            return Optional.empty();
        }
        UserSummary summary = account.map(a -> new UserSummary(a.userId(), a.email(), a.fullName(), a.createdAt()))
                .orElse(new UserSummary(user, "", "", ""));
        return Optional.of(new Profile(summary, disabled.read(user), deletion));
    }

    /** Refuses every token and service key naming {@code user} until {@link #enable}. */
    public void disable(UserId user, String adminId) {
        requireAccount(user);
        disabled.disable(user, adminId);
    }

    public void enable(UserId user) {
        disabled.enable(user);
    }

    /** Deletes the account and every record and file of it: the same path as {@code DELETE /api/v1/auth/me}. */
    public void delete(UserId user) {
        requireAccount(user);
        deletions.delete(user);
    }

    private void requireAccount(UserId user) {
        if (accounts.byId(user).isEmpty()) {
            throw new CofferException(ErrorCode.NOT_FOUND, "no account with this id");
        }
    }

    private Map<String, AttributeValue> openCursor(String cursor) {
        Optional<UserId> last;
        try {
            last = UserId.parse(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            last = Optional.empty();
        }
        UserId from = last.orElseThrow(() -> new CofferException(ErrorCode.VALIDATION_FAILED, "'cursor' is not a cursor this list handed out"));
        var key = new HashMap<String, AttributeValue>();
        key.put("user_id", AttributeValue.fromS(from.value()));
        return key;
    }

    private static UserSummary summary(Map<String, AttributeValue> item) {
        return new UserSummary(new UserId(item.get("user_id").s()), text(item, "email"), text(item, "full_name"), text(item, "created_at"));
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.s() == null ? "" : value.s();
    }
}
