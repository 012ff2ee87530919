package kinesisgateway;

import static kinesisgateway.ScenarioSupport.*;

import static kinesisgateway.Mismatch.check;
import static kinesisgateway.Mismatch.checkEqual;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A stream's life through one client: create, wait, describe, put, read back from TRIM_HORIZON and AT_TIMESTAMP,
 * a ResourceNotFoundException, delete. Every answer is checked against what Kinesis would answer.
 */
final class PutGetScenario {
  private record PutRecordInput(String partitionKey, SdkBytes data, String shardId, String sequenceNumber) {}


  private final KinesisCalls kinesis;
  private final String accountId;
  private final String streamName;

  PutGetScenario(KinesisCalls kinesis, String accountId, String streamNamePrefix) {
    this.kinesis = kinesis;
    this.accountId = accountId;
    this.streamName =
        streamNamePrefix + "-" + Long.toString(System.currentTimeMillis(), 36) + "-" + randomHex(3);
  }

  void run() throws InterruptedException {
    kinesis.createStream(r -> r.streamName(streamName).shardCount(2));
    step("createStream " + streamName + " with 2 shards");
    kinesis.waitUntilStreamExists(streamName);
    step("waiter: stream is ACTIVE");
    checkSummary(kinesis.describeStreamSummary(r -> r.streamName(streamName)));

    List<Shard> shards = kinesis.listShards(r -> r.streamName(streamName)).shards();
    checkEqual(2, shards.size(), "listShards: number of shards");
    step("listShards: " + shards.stream().map(Shard::shardId).toList());

    List<PutRecordInput> beforeTimestamp = List.of(putRecord());
    // AT_TIMESTAMP from here must return the putRecords records and not the one putRecord stored before.
    Thread.sleep(300);
    Instant timestamp = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Thread.sleep(100);
    List<PutRecordInput> afterTimestamp = putRecords(10);

    List<PutRecordInput> all = new ArrayList<>(beforeTimestamp);
    all.addAll(afterTimestamp);
    List<String> shardIds = shards.stream().map(Shard::shardId).toList();
    for (PutRecordInput put : all) {
      check(shardIds.contains(put.shardId()), "a put answered ShardId " + put.shardId() + ", not in listShards");
    }

    for (String shardId : shardIds) {
      List<PutRecordInput> expected = inShard(all, shardId);
      String trimHorizon = shardIterator(shardId, ShardIteratorType.TRIM_HORIZON, null);
      checkRecords(expected, readRecords(trimHorizon, expected.size()), shardId + " from TRIM_HORIZON");

      List<PutRecordInput> expectedAfterTimestamp = inShard(afterTimestamp, shardId);
      String atTimestamp = shardIterator(shardId, ShardIteratorType.AT_TIMESTAMP, timestamp);
      checkRecords(
          expectedAfterTimestamp,
          readRecords(atTimestamp, expectedAfterTimestamp.size()),
          shardId + " from AT_TIMESTAMP " + timestamp);
    }

    checkMissingStream();

    kinesis.deleteStream(r -> r.streamName(streamName));
    kinesis.waitUntilStreamNotExists(streamName);
    step("deleteStream, waiter: stream is gone");
  }

  private void checkSummary(DescribeStreamSummaryResponse response) {
    var summary = response.streamDescriptionSummary();
    checkEqual(streamName, summary.streamName(), "describeStreamSummary: StreamName");
    checkEqual(StreamStatus.ACTIVE, summary.streamStatus(), "describeStreamSummary: StreamStatus");
    checkEqual(2, summary.openShardCount(), "describeStreamSummary: OpenShardCount");
    checkEqual(24, summary.retentionPeriodHours(), "describeStreamSummary: RetentionPeriodHours");
    checkEqual(
        "arn:aws:kinesis:us-east-1:" + accountId + ":stream/" + streamName,
        summary.streamARN(),
        "describeStreamSummary: StreamARN");
    checkRecent(summary.streamCreationTimestamp(), "describeStreamSummary: StreamCreationTimestamp");
    step("describeStreamSummary: ACTIVE, 2 open shards, created " + summary.streamCreationTimestamp());
  }

  private PutRecordInput putRecord() {
    SdkBytes data = randomData(32);
    PutRecordResponse response =
        kinesis.putRecord(r -> r.streamName(streamName).partitionKey("single-record").data(data));
    check(
        response.shardId() != null && response.sequenceNumber() != null,
        "putRecord: no ShardId or SequenceNumber");
    step("putRecord: " + response.shardId() + " " + response.sequenceNumber());
    return new PutRecordInput("single-record", data, response.shardId(), response.sequenceNumber());
  }

  private List<PutRecordInput> putRecords(int count) {
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      entries.add(
          PutRecordsRequestEntry.builder().partitionKey("key-" + i).data(randomData(1 + 7 * i)).build());
    }
    PutRecordsResponse response = kinesis.putRecords(r -> r.streamName(streamName).records(entries));
    checkEqual(0, response.failedRecordCount(), "putRecords: FailedRecordCount");
    checkEqual(count, response.records().size(), "putRecords: number of result entries");
    List<PutRecordInput> stored = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      PutRecordsResultEntry result = response.records().get(i);
      check(
          result.errorCode() == null && result.shardId() != null && result.sequenceNumber() != null,
          "putRecords: entry " + i + " was not stored: " + result);
      PutRecordsRequestEntry entry = entries.get(i);
      stored.add(
          new PutRecordInput(entry.partitionKey(), entry.data(), result.shardId(), result.sequenceNumber()));
    }
    step("putRecords: " + count + " records, FailedRecordCount 0");
    return stored;
  }

  private String shardIterator(String shardId, ShardIteratorType type, Instant timestamp) {
    return kinesis
        .getShardIterator(
            r -> r.streamName(streamName).shardId(shardId).shardIteratorType(type).timestamp(timestamp))
        .shardIterator();
  }

  /** Follows NextShardIterator until `count` records have arrived; Kafka may need a moment to serve them. */
  private List<Record> readRecords(String shardIterator, int count) throws InterruptedException {
    List<Record> records = new ArrayList<>();
    String iterator = shardIterator;
    for (int call = 0; call < 50 && records.size() < count; call++) {
      String current = iterator;
      GetRecordsResponse response = kinesis.getRecords(r -> r.shardIterator(current).limit(100));
      records.addAll(response.records());
      iterator = response.nextShardIterator();
      check(iterator != null, "getRecords: no NextShardIterator on an open shard");
      if (response.records().isEmpty()) Thread.sleep(100);
    }
    return records;
  }

  private void checkRecords(List<PutRecordInput> expected, List<Record> actual, String read) {
    checkEqual(
        expected.stream().map(PutRecordInput::sequenceNumber).toList(),
        actual.stream().map(Record::sequenceNumber).toList(),
        "getRecords " + read + ": sequence numbers");
    for (int i = 0; i < expected.size(); i++) {
      PutRecordInput put = expected.get(i);
      Record record = actual.get(i);
      String which = "getRecords " + read + ": record " + put.sequenceNumber();
      checkEqual(put.partitionKey(), record.partitionKey(), which + " PartitionKey");
      checkEqual(hex(put.data()), hex(record.data()), which + " Data");
      checkRecent(record.approximateArrivalTimestamp(), which + " ApproximateArrivalTimestamp");
    }
    step("getRecords " + read + ": " + actual.size() + " records with their data, keys and timestamps");
  }

  private void checkMissingStream() {
    String missing = streamName + "-missing";
    try {
      kinesis.describeStream(r -> r.streamName(missing));
      throw new Mismatch("describeStream of a missing stream succeeded");
    } catch (ResourceNotFoundException e) {
      checkEqual(400, e.statusCode(), "ResourceNotFoundException: status code");
      checkEqual("ResourceNotFoundException", e.awsErrorDetails().errorCode(), "ResourceNotFoundException: code");
      checkEqual(
          "Stream " + missing + " under account " + accountId + " not found.",
          e.awsErrorDetails().errorMessage(),
          "ResourceNotFoundException: message");
      step("describeStream of a missing stream: ResourceNotFoundException '" + e.getMessage() + "'");
    }
  }

  private static List<PutRecordInput> inShard(List<PutRecordInput> records, String shardId) {
    return records.stream().filter(record -> record.shardId().equals(shardId)).toList();
  }

  private static void checkRecent(Instant instant, String what) {
    check(instant != null, what + " is missing");
    Duration age = Duration.between(instant, Instant.now()).abs();
    check(age.compareTo(Duration.ofMinutes(1)) < 0, what + " is " + instant + ", not within a minute of now");
  }
}
