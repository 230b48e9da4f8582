package dev.coffer.policy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coffer.schema.TableSpec;
import dev.coffer.support.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes least-privilege IAM policies for a deployment: exactly the actions Coffer calls, on
 * exactly its tables, indexes, bucket prefix and key. One statement per resource group, with a
 * {@code Sid} that {@code coffer doctor} and AccessDenied translations can name.
 */
public final class PolicyGenerator {
    /** Start-up, /health and doctor describe every table. */
    public static final String DESCRIBE_TABLE = "dynamodb:DescribeTable";
    /** Doctor checks the TTL of tables declared with one. */
    public static final String DESCRIBE_TTL = "dynamodb:DescribeTimeToLive";
    /** Indexes are only queried. */
    public static final List<String> RUNTIME_INDEX_ACTIONS = List.of("dynamodb:Query");
    /** Object actions under the prefix: streaming upload (incl. multipart), download, delete. */
    public static final List<String> RUNTIME_OBJECT_ACTIONS = List.of(
            "s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:PutObject");
    /** Listing is allowed only under the prefix, by the s3:prefix condition key. */
    public static final List<String> RUNTIME_LIST_ACTIONS = List.of("s3:ListBucket");
    /**
     * Listing pending uploads (account deletion aborts a user's unfinished uploads). IAM passes no
     * s3:prefix for this action, so a prefix condition would deny it: it gets a statement of its own.
     */
    public static final List<String> RUNTIME_UPLOAD_LIST_ACTIONS = List.of("s3:ListBucketMultipartUploads");
    public static final String OBJECTS_SID = "CofferObjects";
    public static final String LIST_PREFIX_SID = "CofferListPrefix";
    public static final String LIST_UPLOADS_SID = "CofferListUploads";
    public static final String KMS_SID = "CofferKms";
    public static final String IDENTITY_SID = "CofferIdentity";
    public static final List<String> KMS_ACTIONS = List.of("kms:Decrypt", "kms:GenerateDataKey");
    public static final List<String> PROVISION_TABLE_ACTIONS = List.of(
            "dynamodb:CreateTable", "dynamodb:DescribeTable", "dynamodb:DescribeTimeToLive", "dynamodb:UpdateTable",
            "dynamodb:UpdateTimeToLive");
    public static final List<String> PROVISION_BUCKET_ACTIONS = List.of(
            "s3:CreateBucket", "s3:GetBucketPublicAccessBlock", "s3:GetBucketVersioning", "s3:GetEncryptionConfiguration",
            "s3:ListBucket", "s3:PutBucketPublicAccessBlock", "s3:PutBucketVersioning", "s3:PutEncryptionConfiguration");

    /** Which identity variable scopes per-user statements. */
    public enum UserVariable {
        /** {@code ${aws:PrincipalTag/user_id}}: a session tag set when the scoped role is assumed. */
        PRINCIPAL_TAG("${aws:PrincipalTag/user_id}"),
        /** {@code ${cognito-identity.amazonaws.com:sub}}: Cognito identity pool users. */
        COGNITO("${cognito-identity.amazonaws.com:sub}");

        private final String expression;

        UserVariable(String expression) {
            this.expression = expression;
        }

        public String expression() {
            return expression;
        }
    }

    private final PolicyTargets targets;
    private final Arns arns;

    public PolicyGenerator(PolicyTargets targets) {
        this.targets = targets;
        this.arns = new Arns(targets.region().orElse("*"), targets.account().orElse("*"));
    }

    /** Lines for stderr: what was not known and was written as a wildcard. */
    public List<String> notes() {
        var notes = new ArrayList<String>();
        if (targets.region().isEmpty()) {
            notes.add("region unknown: table ARNs use '*' for the region (set AWS_REGION to pin it)");
        }
        if (targets.account().isEmpty()) {
            notes.add("account unknown: table ARNs use '*' for the account (set aws.expected_account_id, "
                    + "or run with credentials so the caller identity is known)");
        }
        return notes;
    }

    /** The policy `coffer serve` needs. */
    public ObjectNode runtime() {
        var statements = new ArrayList<ObjectNode>();
        for (TableSpec table : targets.tables()) {
            statements.add(statement(sid("Table", table.name()), runtimeActions(table), List.of(arns.table(table.name()))));
            if (!table.queriedIndexes().isEmpty()) {
                statements.add(statement(sid("Indexes", table.name()), RUNTIME_INDEX_ACTIONS,
                        List.of(arns.tableIndexes(table.name()))));
            }
            if (table.streamed()) {
                // Every instance reads the stream for live updates; it finds the stream's ARN with
                // DescribeTable (granted above), so ListStreams, which needs "*", is not asked for.
                statements.add(statement(sid("Stream", table.name()), TableSpec.STREAM_ACTIONS,
                        List.of(arns.tableStreams(table.name()))));
            }
        }
        statements.add(statement(OBJECTS_SID, RUNTIME_OBJECT_ACTIONS,
                List.of(Arns.objects(targets.bucket(), targets.prefix() + "*"))));
        ObjectNode list = statement(LIST_PREFIX_SID, RUNTIME_LIST_ACTIONS, List.of(Arns.bucket(targets.bucket())));
        list.putObject("Condition").putObject("StringLike").putArray("s3:prefix").add(targets.prefix()).add(targets.prefix() + "*");
        statements.add(list);
        statements.add(statement(LIST_UPLOADS_SID, RUNTIME_UPLOAD_LIST_ACTIONS, List.of(Arns.bucket(targets.bucket()))));
        kms().ifPresent(statements::add);
        statements.add(statement(IDENTITY_SID, List.of("sts:GetCallerIdentity"), List.of("*")));
        return document(statements);
    }

    /** The policy `coffer init` needs to create and secure tables and the bucket. */
    public ObjectNode provision() {
        var statements = new ArrayList<ObjectNode>();
        statements.add(statement("CofferCreateTables", PROVISION_TABLE_ACTIONS,
                targets.tables().stream().map(t -> arns.table(t.name())).toList()));
        statements.add(statement("CofferCreateBucket", PROVISION_BUCKET_ACTIONS, List.of(Arns.bucket(targets.bucket()))));
        statements.add(statement(IDENTITY_SID, List.of("sts:GetCallerIdentity"), List.of("*")));
        return document(statements);
    }

    /**
     * Statements for credentials handed to one user: items only in their partition
     * ({@code dynamodb:LeadingKeys}), objects only under their folder.
     */
    public ObjectNode perUser(UserVariable variable) {
        String user = variable.expression();
        var statements = new ArrayList<ObjectNode>();
        var tableArns = new ArrayList<String>();
        for (TableSpec table : targets.tables()) {
            tableArns.add(arns.table(table.name()));
            if (!table.queriedIndexes().isEmpty()) {
                tableArns.add(arns.tableIndexes(table.name()));
            }
        }
        ObjectNode items = statement("CofferOwnItems", targets.tables().stream().flatMap(t -> t.itemActions().stream())
                .distinct().toList(), tableArns);
        items.putObject("Condition").putObject("ForAllValues:StringEquals").putArray("dynamodb:LeadingKeys").add(user);
        statements.add(items);
        statements.add(statement("CofferOwnObjects", RUNTIME_OBJECT_ACTIONS,
                List.of(Arns.objects(targets.bucket(), targets.prefix() + user + "/*"))));
        ObjectNode list = statement("CofferListOwnFolder", List.of("s3:ListBucket"), List.of(Arns.bucket(targets.bucket())));
        list.putObject("Condition").putObject("StringLike").putArray("s3:prefix")
                .add(targets.prefix() + user + "/").add(targets.prefix() + user + "/*");
        statements.add(list);
        kms().ifPresent(statements::add);
        return document(statements);
    }

    /** The table's item actions, DescribeTable, and DescribeTimeToLive when it has a TTL. */
    public static List<String> runtimeActions(TableSpec table) {
        var actions = new ArrayList<String>(table.itemActions());
        actions.add(DESCRIBE_TABLE);
        table.ttlAttribute().ifPresent(ttl -> actions.add(DESCRIBE_TTL));
        return List.copyOf(actions);
    }

    private java.util.Optional<ObjectNode> kms() {
        return targets.kmsKeyId().map(key -> statement(KMS_SID, KMS_ACTIONS, List.of(arns.kmsKey(key))));
    }

    private static ObjectNode document(List<ObjectNode> statements) {
        ObjectNode doc = Json.mapper().createObjectNode();
        doc.put("Version", "2012-10-17");
        ArrayNode array = doc.putArray("Statement");
        statements.forEach(array::add);
        return doc;
    }

    private static ObjectNode statement(String sid, List<String> actions, List<String> resources) {
        ObjectNode s = Json.mapper().createObjectNode();
        s.put("Sid", sid);
        s.put("Effect", "Allow");
        ArrayNode a = s.putArray("Action");
        actions.stream().sorted().forEach(a::add);
        ArrayNode r = s.putArray("Resource");
        resources.forEach(r::add);
        return s;
    }

    /** IAM Sids are alphanumeric: table names may hold '-', '_' and '.'. */
    public static String sid(String kind, String tableName) {
        StringBuilder out = new StringBuilder("Coffer").append(kind);
        boolean upper = true;
        for (char c : tableName.toCharArray()) {
            if (Character.isLetterOrDigit(c)) {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            } else {
                upper = true;
            }
        }
        return out.toString();
    }
}
