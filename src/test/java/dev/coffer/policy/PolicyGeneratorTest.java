package dev.coffer.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coffer.schema.TableSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyGeneratorTest {
    private static final TableSpec USERS = new TableSpec("app-users", new TableSpec.KeyAttribute("user_id", TableSpec.KeyType.S),
            Optional.empty(), List.of(new TableSpec.IndexSpec("email-index", true,
            new TableSpec.KeyAttribute("email", TableSpec.KeyType.S), Optional.empty())), Optional.empty(),
            List.of("dynamodb:GetItem", "dynamodb:PutItem"));
    private static final TableSpec PLANS = new TableSpec("app.plans", new TableSpec.KeyAttribute("user_id", TableSpec.KeyType.S),
            Optional.of(new TableSpec.KeyAttribute("plan_id", TableSpec.KeyType.S)), List.of(), Optional.of("expires_at"),
            List.of("dynamodb:PutItem", "dynamodb:Query"));

    private static PolicyGenerator generator(Optional<String> account, Optional<String> kms) {
        return new PolicyGenerator(new PolicyTargets(Optional.of("eu-west-1"), account, List.of(USERS, PLANS),
                "my-bucket", "uploads/", kms));
    }

    private static JsonNode statement(JsonNode policy, String sid) {
        for (JsonNode s : policy.path("Statement")) {
            if (s.path("Sid").asText().equals(sid)) {
                return s;
            }
        }
        throw new AssertionError("no statement " + sid + " in " + policy);
    }

    private static List<String> texts(JsonNode array) {
        var out = new ArrayList<String>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void runtime_tablesIndexesPrefixAndIdentity_exactResources() {
        JsonNode policy = generator(Optional.of("123456789012"), Optional.empty()).runtime();

        assertThat(policy.path("Version").asText()).isEqualTo("2012-10-17");
        assertThat(texts(statement(policy, "CofferTableAppUsers").path("Resource")))
                .containsExactly("arn:aws:dynamodb:eu-west-1:123456789012:table/app-users");
        assertThat(texts(statement(policy, "CofferIndexesAppUsers").path("Resource")))
                .containsExactly("arn:aws:dynamodb:eu-west-1:123456789012:table/app-users/index/*");
        // Exactly what the table's owner declares it calls, plus describing it (and its TTL when it has one).
        assertThat(texts(statement(policy, "CofferTableAppPlans").path("Action"))).containsExactly("dynamodb:DescribeTable",
                "dynamodb:DescribeTimeToLive", "dynamodb:PutItem", "dynamodb:Query");
        assertThat(texts(statement(policy, "CofferTableAppUsers").path("Action"))).containsExactly("dynamodb:DescribeTable",
                "dynamodb:GetItem", "dynamodb:PutItem");
        assertThat(policy.toString()).doesNotContain("CofferIndexesAppPlans");
        assertThat(texts(statement(policy, "CofferObjects").path("Resource"))).containsExactly("arn:aws:s3:::my-bucket/uploads/*");
        JsonNode list = statement(policy, "CofferListPrefix");
        assertThat(texts(list.path("Resource"))).containsExactly("arn:aws:s3:::my-bucket");
        assertThat(texts(list.path("Condition").path("StringLike").path("s3:prefix"))).containsExactly("uploads/", "uploads/*");
        assertThat(texts(list.path("Action"))).containsExactly("s3:ListBucket");
        // s3:ListBucketMultipartUploads has no s3:prefix key in IAM: under the condition it would be denied.
        JsonNode uploads = statement(policy, "CofferListUploads");
        assertThat(texts(uploads.path("Action"))).containsExactly("s3:ListBucketMultipartUploads");
        assertThat(uploads.has("Condition")).isFalse();
        assertThat(texts(statement(policy, "CofferIdentity").path("Action"))).containsExactly("sts:GetCallerIdentity");
        assertThat(policy.toString()).doesNotContain("Kms");
    }

    @Test
    void runtime_accountUnknown_wildcardAndNote() {
        PolicyGenerator generator = generator(Optional.empty(), Optional.empty());

        assertThat(texts(statement(generator.runtime(), "CofferTableAppUsers").path("Resource")))
                .containsExactly("arn:aws:dynamodb:eu-west-1:*:table/app-users");
        assertThat(generator.notes()).singleElement().asString().startsWith("account unknown");
    }

    @Test
    void runtime_kmsKeyConfigured_addsKmsStatementOnThatKey() {
        JsonNode policy = generator(Optional.of("123456789012"), Optional.of("1234abcd-12ab-34cd-56ef-1234567890ab")).runtime();

        JsonNode kms = statement(policy, "CofferKms");
        assertThat(texts(kms.path("Action"))).containsExactly("kms:Decrypt", "kms:GenerateDataKey");
        assertThat(texts(kms.path("Resource")))
                .containsExactly("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    }

    @Test
    void provision_createAndSecureActionsOnly() {
        JsonNode policy = generator(Optional.of("123456789012"), Optional.empty()).provision();

        assertThat(texts(statement(policy, "CofferCreateTables").path("Action")))
                .contains("dynamodb:CreateTable", "dynamodb:UpdateTimeToLive").doesNotContain("dynamodb:PutItem");
        assertThat(texts(statement(policy, "CofferCreateTables").path("Resource"))).hasSize(2);
        assertThat(texts(statement(policy, "CofferCreateBucket").path("Action")))
                .contains("s3:CreateBucket", "s3:PutEncryptionConfiguration", "s3:PutBucketPublicAccessBlock")
                .doesNotContain("s3:GetObject");
    }

    @Test
    void perUser_principalTag_leadingKeysAndOwnFolder() {
        JsonNode policy = generator(Optional.of("123456789012"), Optional.empty())
                .perUser(PolicyGenerator.UserVariable.PRINCIPAL_TAG);

        JsonNode items = statement(policy, "CofferOwnItems");
        assertThat(texts(items.path("Condition").path("ForAllValues:StringEquals").path("dynamodb:LeadingKeys")))
                .containsExactly("${aws:PrincipalTag/user_id}");
        assertThat(texts(statement(policy, "CofferOwnObjects").path("Resource")))
                .containsExactly("arn:aws:s3:::my-bucket/uploads/${aws:PrincipalTag/user_id}/*");
        assertThat(texts(statement(policy, "CofferListOwnFolder").path("Condition").path("StringLike").path("s3:prefix")))
                .containsExactly("uploads/${aws:PrincipalTag/user_id}/", "uploads/${aws:PrincipalTag/user_id}/*");
    }

    @Test
    void perUser_cognito_usesIdentityPoolSub() {
        JsonNode policy = generator(Optional.of("123456789012"), Optional.empty()).perUser(PolicyGenerator.UserVariable.COGNITO);

        assertThat(policy.toString()).contains("${cognito-identity.amazonaws.com:sub}").doesNotContain("PrincipalTag");
    }
}
