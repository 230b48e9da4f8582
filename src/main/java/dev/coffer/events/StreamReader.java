package dev.coffer.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coffer.aws.AwsErrors;
import dev.coffer.identity.UserId;
import dev.coffer.records.Records;
import dev.coffer.support.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Reads one collection table's DynamoDB stream, on every instance, into that collection's
 * {@link EventLog}. Starts at the oldest record the stream keeps, reads each shard after its
 * parent (so an item's changes stay in order), and polls every open shard each
 * {@code pollInterval}. A failed call is logged and retried on the next round from where the shard
 * was. Runs on the thread {@link #run} is called on until interrupted.
 */
final class StreamReader implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamReader.class);
    /** How often the shard list is read again (new shards appear every few hours on AWS). */
    private static final int DESCRIBE_EVERY_ROUNDS = 10;
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(5);

    private final DynamoDbClient dynamoDb;
    private final DynamoDbStreamsClient streams;
    private final String table;
    private final String sortKey;
    private final EventLog log;
    private final Duration pollInterval;
    /** Open iterators by shard, and where each shard got to (to re-open an expired iterator). */
    private final Map<String, String> iterators = new LinkedHashMap<>();
    private final Map<String, String> lastSequence = new HashMap<>();
    private final Set<String> finished = new HashSet<>();
    private final Set<String> seen = new HashSet<>();

    StreamReader(DynamoDbClient dynamoDb, DynamoDbStreamsClient streams, String table, String sortKey, EventLog log,
                 Duration pollInterval) {
        this.dynamoDb = dynamoDb;
        this.streams = streams;
        this.table = table;
        this.sortKey = sortKey;
        this.log = log;
        this.pollInterval = pollInterval;
    }

    @Override
    public void run() {
        String streamArn = null;
        int round = 0;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                if (streamArn == null) {
                    streamArn = streamArn().orElse(null);
                    if (streamArn == null) {
                        LOG.warn("table {} has no stream: live updates of collection {} are off until it has one ('coffer init' enables it)",
                                table, log.collection());
                        Thread.sleep(RETRY_AFTER_FAILURE.multipliedBy(6));
                        continue;
                    }
                }
                if (round++ % DESCRIBE_EVERY_ROUNDS == 0 || iterators.isEmpty()) {
                    openNewShards(streamArn);
                }
                boolean allAtEnd = readOnce();
                if (allAtEnd && !log.isCaughtUp()) {
                    log.caughtUp();
                }
                Thread.sleep(pollInterval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (SdkException | IllegalStateException e) {
                LOG.warn("reading the stream of {} failed (retrying in {}): {}", table, RETRY_AFTER_FAILURE,
                        e instanceof SdkException sdk ? AwsErrors.translate(sdk, "GetRecords on " + table).oneLine() : e.toString());
                try {
                    Thread.sleep(RETRY_AFTER_FAILURE);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * Proves, with one DescribeStream, that the stream exists and may be read now; a new
     * subscription asks first, so a missing stream or permission is a 503 naming it rather than a
     * stream that never carries anything.
     *
     * @throws dev.coffer.error.CofferException what AWS said, translated
     */
    void check() {
        // At most one DescribeStream per second however many clients (re)connect at once: AWS
        // allows 10 per second per account, and a stopped instance's subscribers arrive together.
        long now = System.nanoTime();
        if (now - lastCheckOk < CHECK_REUSE_NANOS) {
            return;
        }
        String known = arn;
        try {
            String stream = known != null ? known : streamArn().orElseThrow(() -> new dev.coffer.error.CofferException(
                    dev.coffer.error.ErrorCode.BACKEND_UNAVAILABLE, "table " + table + " has no stream for live updates",
                    "run 'coffer init' (it enables the stream), or restart serve with provisioning on", null, null));
            streams.describeStream(b -> b.streamArn(stream).limit(1));
            lastCheckOk = System.nanoTime();
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "DescribeStream on " + table);
        }
    }

    private Optional<String> streamArn() {
        var description = dynamoDb.describeTable(b -> b.tableName(table)).table();
        boolean enabled = description.streamSpecification() != null && Boolean.TRUE.equals(description.streamSpecification().streamEnabled());
        return enabled ? Optional.ofNullable(description.latestStreamArn()) : Optional.empty();
    }

    /** Opens an iterator on every shard not read yet whose parent is read to its end (or gone). */
    private void openNewShards(String streamArn) {
        List<Shard> shards = new ArrayList<>();
        String start = null;
        do {
            String from = start;
            var description = streams.describeStream(b -> b.streamArn(streamArn).exclusiveStartShardId(from)).streamDescription();
            shards.addAll(description.shards());
            start = description.lastEvaluatedShardId();
        } while (start != null);
        Set<String> listed = new HashSet<>();
        shards.forEach(s -> listed.add(s.shardId()));
        for (Shard shard : shards) {
            String id = shard.shardId();
            String parent = shard.parentShardId();
            boolean parentDone = parent == null || !listed.contains(parent) || finished.contains(parent);
            if (seen.contains(id) || !parentDone) {
                continue;
            }
            seen.add(id);
            iterators.put(id, iterator(streamArn, id, ShardIteratorType.TRIM_HORIZON, null));
        }
        this.arn = streamArn;
    }

    private volatile String arn;
    private static final long CHECK_REUSE_NANOS = 1_000_000_000L;
    private volatile long lastCheckOk = System.nanoTime() - 2 * CHECK_REUSE_NANOS;

    private String iterator(String streamArn, String shard, ShardIteratorType type, String after) {
        return streams.getShardIterator(b -> b.streamArn(streamArn).shardId(shard).shardIteratorType(type).sequenceNumber(after))
                .shardIterator();
    }

    /** One GetRecords per open shard; true when every shard returned nothing new (read to its current end). */
    private boolean readOnce() {
        boolean allAtEnd = true;
        for (var entry : new ArrayList<>(iterators.entrySet())) {
            String shard = entry.getKey();
            GetRecordsResponse response;
            try {
                response = streams.getRecords(b -> b.shardIterator(entry.getValue()));
            } catch (ExpiredIteratorException | TrimmedDataAccessException e) {
                String last = lastSequence.get(shard);
                iterators.put(shard, last == null ? iterator(arn, shard, ShardIteratorType.TRIM_HORIZON, null)
                        : iterator(arn, shard, ShardIteratorType.AFTER_SEQUENCE_NUMBER, last));
                allAtEnd = false;
                continue;
            }
            for (Record record : response.records()) {
                lastSequence.put(shard, record.dynamodb().sequenceNumber());
                toEvent(shard, record).ifPresent(log::append);
            }
            if (!response.records().isEmpty()) {
                allAtEnd = false;
            }
            if (response.nextShardIterator() == null) {
                // The shard is closed and read to its end: its children may be read now.
                iterators.remove(shard);
                finished.add(shard);
                allAtEnd = false;
                openNewShards(arn);
            } else {
                iterators.put(shard, response.nextShardIterator());
            }
        }
        return allAtEnd;
    }

    private Optional<ChangeEvent> toEvent(String shard, Record record) {
        var change = record.dynamodb();
        Map<String, AttributeValue> keys = change.keys();
        AttributeValue user = keys.get(Records.PARTITION_KEY);
        AttributeValue id = keys.get(sortKey);
        Optional<UserId> owner = user == null ? Optional.empty() : UserId.parse(user.s());
        if (owner.isEmpty() || id == null || id.s() == null) {
            return Optional.empty();
        }
        String type = switch (record.eventNameAsString()) {
            case "INSERT" -> "create";
            case "MODIFY" -> "update";
            case "REMOVE" -> "delete";
            default -> null;
        };
        if (type == null) {
            return Optional.empty();
        }
        long at = change.approximateCreationDateTime() == null ? System.currentTimeMillis()
                : change.approximateCreationDateTime().toEpochMilli();
        ObjectNode data = Json.mapper().createObjectNode();
        data.put("collection", log.collection());
        data.put("type", type);
        data.put("id", id.s());
        if (!type.equals("delete") && change.hasNewImage()) {
            ObjectNode item = Records.itemJson(change.newImage());
            data.set("item", item);
            if (item.has("version")) {
                data.set("version", item.get("version"));
            }
        }
        return Optional.of(new ChangeEvent(log.collection(), owner.get(),
                new EventPosition.Exact(shard, change.sequenceNumber(), at), data.toString()));
    }
}
