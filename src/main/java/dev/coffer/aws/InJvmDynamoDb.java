package dev.coffer.aws;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * A DynamoDB that runs in this JVM and takes the SDK's request objects as they are: the embedded
 * DynamoDB Local. Its clients skip the SDK's whole pipeline (marshalling to JSON and back,
 * endpoint rules, signing, retries, interceptors), which was more than half of an item create's
 * CPU on the embedded default (BENCHMARKS.md, "DynamoDB Local called directly"). What the pipeline
 * did that Coffer relies on, they do themselves through {@code recorder}: every call asks for its
 * consumed capacity ({@link AwsCallRecorder#withCapacity}) and is reported to the listeners, timed
 * when {@code timed}.
 */
public interface InJvmDynamoDb {
    DynamoDbClient dynamoDb(AwsCallRecorder recorder, boolean timed);

    DynamoDbStreamsClient streams(AwsCallRecorder recorder, boolean timed);
}
