package dev.coffer.policy;

/** ARNs of Coffer's resources; region and account may be {@code *} when unknown. */
record Arns(String region, String account) {
    String table(String name) {
        return "arn:aws:dynamodb:" + region + ":" + account + ":table/" + name;
    }

    String tableIndexes(String name) {
        return table(name) + "/index/*";
    }

    String tableStreams(String name) {
        return table(name) + "/stream/*";
    }

    String kmsKey(String keyId) {
        return keyId.startsWith("arn:") ? keyId : "arn:aws:kms:" + region + ":" + account + ":key/" + keyId;
    }

    static String bucket(String bucket) {
        return "arn:aws:s3:::" + bucket;
    }

    static String objects(String bucket, String keyPattern) {
        return bucket(bucket) + "/" + keyPattern;
    }
}
