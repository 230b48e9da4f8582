package dev.coffer.config;

/** Where Coffer's data lives: the embedded servers, or AWS (or any compatible endpoint). */
public enum DeploymentMode {
    /** DynamoDB Local and S3Proxy inside the JVM, on loopback; no AWS account needed. */
    LOCAL,
    /** Real AWS, or DynamoDB/S3-compatible servers named by endpoint overrides. */
    REMOTE
}
