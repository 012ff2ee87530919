package kinesisgateway;

import static kinesisgateway.ScenarioSupport.*;

import static kinesisgateway.Mismatch.check;
import static kinesisgateway.Mismatch.checkEqual;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponse;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Enhanced fan-out the way the Kinesis Client Library consumes: register a consumer, put records, read them with
 * SubscribeToShard from TRIM_HORIZON, cancel, resume after the continuation sequence number and receive records
 * put after subscribing, deregister, delete. Every answer is checked against what Kinesis would answer.
 */
final class FanOutScenario {
  private record PutRecordInput(String partitionKey, SdkBytes data, String sequenceNumber) {}

  private static final String SHARD_ID = "shardId-000000000000";
  private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);

  private final KinesisAsyncClient kinesis;
  private final String streamName;

  FanOutScenario(KinesisAsyncClient kinesis, String streamNamePrefix) {
    this.kinesis = kinesis;
    this.streamName =
        streamNamePrefix + "-" + Long.toString(System.currentTimeMillis(), 36) + "-" + randomHex(3);
  }

  void run() throws Exception {
    join(kinesis.createStream(r -> r.streamName(streamName).shardCount(1)));
    join(kinesis.waiter().waitUntilStreamExists(r -> r.streamName(streamName), KinesisCalls.QUICK_WAITER));
    String streamArn =
        join(kinesis.describeStreamSummary(r -> r.streamName(streamName))).streamDescriptionSummary().streamARN();
    step("createStream " + streamName + " with 1 shard, waiter: stream is ACTIVE");

    String consumerArn =
        join(kinesis.registerStreamConsumer(r -> r.streamARN(streamArn).consumerName("reader")))
            .consumer()
            .consumerARN();
    check(
        consumerArn.matches(java.util.regex.Pattern.quote(streamArn) + "/consumer/reader:\\d+"),
        "registerStreamConsumer: ConsumerARN " + consumerArn);
    waitUntilConsumerActive(consumerArn);
    step("registerStreamConsumer " + consumerArn + ", describeStreamConsumer: ACTIVE");

    List<PutRecordInput> first = putRecords(20, "first");
    EventCollector fromTrimHorizon =
        subscribe(consumerArn, StartingPosition.builder().type(ShardIteratorType.TRIM_HORIZON).build(), 20);
    fromTrimHorizon.awaitRecords();
    fromTrimHorizon.cancelAndAwaitEnd();
    checkRecords(first, fromTrimHorizon.records(), "from TRIM_HORIZON");
    String continuation = fromTrimHorizon.lastContinuation();
    checkEqual(
        first.get(first.size() - 1).sequenceNumber(),
        continuation,
        "subscribeToShard from TRIM_HORIZON: last ContinuationSequenceNumber");
    step("subscribeToShard from TRIM_HORIZON: events received " + fromTrimHorizon.events().size()
        + ", last ContinuationSequenceNumber " + continuation + ", cancelled");

    StartingPosition afterContinuation =
        StartingPosition.builder()
            .type(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
            .sequenceNumber(continuation)
            .build();
    EventCollector resumed = subscribe(consumerArn, afterContinuation, 5);
    // Records put from here on are pushed to the open subscription.
    Thread.sleep(1000);
    check(resumed.records().isEmpty(), "subscribeToShard after the continuation: records before any were put: "
        + resumed.records());
    List<PutRecordInput> second = putRecords(5, "second");
    resumed.awaitRecords();
    // Anything delivered after the five would be a repeat or a record nobody put.
    Thread.sleep(500);
    resumed.cancelAndAwaitEnd();
    checkRecords(second, resumed.records(), "after ContinuationSequenceNumber " + continuation);
    checkEqual(
        second.get(second.size() - 1).sequenceNumber(),
        resumed.lastContinuation(),
        "subscribeToShard after the continuation: last ContinuationSequenceNumber");
    step("subscribeToShard after the continuation: the 5 records put after subscribing, cancelled");

    join(kinesis.deregisterStreamConsumer(r -> r.consumerARN(consumerArn)));
    step("deregisterStreamConsumer");
    join(kinesis.deleteStream(r -> r.streamName(streamName).enforceConsumerDeletion(true)));
    join(kinesis.waiter().waitUntilStreamNotExists(r -> r.streamName(streamName), KinesisCalls.QUICK_WAITER));
    step("deleteStream with EnforceConsumerDeletion, waiter: stream is gone");
  }

  private void waitUntilConsumerActive(String consumerArn) throws InterruptedException {
    for (int attempt = 0; attempt < 100; attempt++) {
      var description = join(kinesis.describeStreamConsumer(r -> r.consumerARN(consumerArn))).consumerDescription();
      checkEqual(consumerArn, description.consumerARN(), "describeStreamConsumer: ConsumerARN");
      if (description.consumerStatus() == ConsumerStatus.ACTIVE) return;
      Thread.sleep(100);
    }
    throw new Mismatch("describeStreamConsumer: " + consumerArn + " did not become ACTIVE");
  }

  private List<PutRecordInput> putRecords(int count, String keyPrefix) {
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      entries.add(
          PutRecordsRequestEntry.builder().partitionKey(keyPrefix + "-" + i).data(randomData(1 + 7 * i)).build());
    }
    PutRecordsResponse response = join(kinesis.putRecords(r -> r.streamName(streamName).records(entries)));
    checkEqual(0, response.failedRecordCount(), "putRecords: FailedRecordCount");
    checkEqual(count, response.records().size(), "putRecords: number of result entries");
    List<PutRecordInput> stored = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      PutRecordsResultEntry result = response.records().get(i);
      checkEqual(SHARD_ID, result.shardId(), "putRecords: entry " + i + " ShardId");
      check(result.sequenceNumber() != null, "putRecords: entry " + i + " has no SequenceNumber");
      PutRecordsRequestEntry entry = entries.get(i);
      stored.add(new PutRecordInput(entry.partitionKey(), entry.data(), result.sequenceNumber()));
    }
    step("putRecords: " + count + " records, FailedRecordCount 0");
    return stored;
  }

  /**
   * Starts a subscription. Kinesis refuses a new subscription of the same consumer and shard with
   * ResourceInUseException for a few seconds after the previous one, so that answer is retried.
   */
  private EventCollector subscribe(String consumerArn, StartingPosition position, int expectedRecords)
      throws Exception {
    for (int attempt = 1; ; attempt++) {
      EventCollector collector = new EventCollector(expectedRecords);
      SubscribeToShardResponseHandler handler =
          SubscribeToShardResponseHandler.builder()
              .onResponse(collector::onResponse)
              .onError(collector::onHandlerError)
              .subscriber(() -> collector)
              .build();
      collector.call =
          kinesis.subscribeToShard(
              r -> r.consumerARN(consumerArn).shardId(SHARD_ID).startingPosition(position), handler);
      collector.call.whenComplete(
          (ignored, error) -> {
            if (error instanceof CompletionException wrapped && wrapped.getCause() != null) {
              collector.onHandlerError(wrapped.getCause());
            } else if (error != null) {
              collector.onHandlerError(error);
            }
          });
      try {
        collector.awaitResponse();
        return collector;
      } catch (ResourceInUseException e) {
        if (attempt == 20) throw e;
        System.out.println("subscribeToShard: ResourceInUseException '" + e.awsErrorDetails().errorMessage()
            + "', retrying in 500 ms");
        Thread.sleep(500);
      }
    }
  }

  private void checkRecords(List<PutRecordInput> expected, List<Record> actual, String read) {
    checkEqual(
        expected.stream().map(PutRecordInput::sequenceNumber).toList(),
        actual.stream().map(Record::sequenceNumber).toList(),
        "subscribeToShard " + read + ": sequence numbers");
    for (int i = 0; i < expected.size(); i++) {
      PutRecordInput put = expected.get(i);
      Record record = actual.get(i);
      String which = "subscribeToShard " + read + ": record " + put.sequenceNumber();
      checkEqual(put.partitionKey(), record.partitionKey(), which + " PartitionKey");
      checkEqual(hex(put.data()), hex(record.data()), which + " Data");
      check(record.approximateArrivalTimestamp() != null, which + " has no ApproximateArrivalTimestamp");
    }
    step("subscribeToShard " + read + ": " + actual.size() + " records with their data, keys and sequence numbers");
  }

  /**
   * A Reactive Streams subscriber of the event stream that asks for one event at a time, keeps the
   * SubscribeToShardEvents and cancels the subscription once asked to.
   */
  private static final class EventCollector implements Subscriber<SubscribeToShardEventStream> {
    private final int expectedRecords;
    private final CompletableFuture<SubscribeToShardResponse> response = new CompletableFuture<>();
    private final CompletableFuture<Void> enoughRecords = new CompletableFuture<>();
    private final List<SubscribeToShardEvent> events = new ArrayList<>();
    private final List<Record> records = new ArrayList<>();
    private volatile Subscription subscription;
    private volatile CompletableFuture<Void> call;

    EventCollector(int expectedRecords) {
      this.expectedRecords = expectedRecords;
    }

    void onResponse(SubscribeToShardResponse initial) {
      response.complete(initial);
    }

    void onHandlerError(Throwable error) {
      fail(error);
    }

    @Override
    public void onSubscribe(Subscription subscription) {
      this.subscription = subscription;
      subscription.request(1);
    }

    @Override
    public void onNext(SubscribeToShardEventStream event) {
      if (event instanceof SubscribeToShardEvent shardEvent) {
        synchronized (this) {
          events.add(shardEvent);
          records.addAll(shardEvent.records());
          if (records.size() >= expectedRecords) enoughRecords.complete(null);
        }
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable error) {
      fail(error);
    }

    @Override
    public void onComplete() {
      fail(new Mismatch("subscribeToShard: the event stream ended after " + records().size() + " records"));
    }

    private void fail(Throwable error) {
      response.completeExceptionally(error);
      enoughRecords.completeExceptionally(error);
    }

    void awaitResponse() throws Exception {
      unwrapped(response);
    }

    void awaitRecords() throws Exception {
      unwrapped(enoughRecords);
    }

    /** Cancels the subscription; the SDK call must then complete normally. */
    void cancelAndAwaitEnd() throws Exception {
      subscription.cancel();
      try {
        call.get(10, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new Mismatch("subscribeToShard: the call did not end within 10 s of the cancellation");
      }
    }

    synchronized List<SubscribeToShardEvent> events() {
      return List.copyOf(events);
    }

    synchronized List<Record> records() {
      return List.copyOf(records);
    }

    synchronized String lastContinuation() {
      return events.isEmpty() ? null : events.get(events.size() - 1).continuationSequenceNumber();
    }

    private static <T> T unwrapped(CompletableFuture<T> future) throws Exception {
      try {
        return future.get(DELIVERY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Exception cause) throw cause;
        throw e;
      } catch (TimeoutException e) {
        throw new Mismatch("subscribeToShard: nothing arrived within " + DELIVERY_TIMEOUT);
      }
    }

  }
}
