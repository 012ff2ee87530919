package kinesisgateway;

import static kinesisgateway.ScenarioSupport.*;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.CreateStreamRequest;
import software.amazon.awssdk.services.kinesis.model.DeleteStreamRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamResponse;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/** The Kinesis calls of the scenario, made through either the sync or the async client. */
interface KinesisCalls extends AutoCloseable {
  /** The waiters' default is a 10 s delay between polls; the gateway activates streams within a second. */
  Consumer<WaiterOverrideConfiguration.Builder> QUICK_WAITER =
      waiter -> waiter.backoffStrategyV2(BackoffStrategy.fixedDelay(Duration.ofMillis(200))).maxAttempts(100);

  void createStream(Consumer<CreateStreamRequest.Builder> request);

  void waitUntilStreamExists(String streamName);

  void waitUntilStreamNotExists(String streamName);

  DescribeStreamSummaryResponse describeStreamSummary(Consumer<DescribeStreamSummaryRequest.Builder> request);

  DescribeStreamResponse describeStream(Consumer<DescribeStreamRequest.Builder> request);

  PutRecordResponse putRecord(Consumer<PutRecordRequest.Builder> request);

  PutRecordsResponse putRecords(Consumer<PutRecordsRequest.Builder> request);

  ListShardsResponse listShards(Consumer<ListShardsRequest.Builder> request);

  GetShardIteratorResponse getShardIterator(Consumer<GetShardIteratorRequest.Builder> request);

  GetRecordsResponse getRecords(Consumer<GetRecordsRequest.Builder> request);

  void deleteStream(Consumer<DeleteStreamRequest.Builder> request);

  @Override
  void close();

  static KinesisCalls of(KinesisClient client) {
    return new KinesisCalls() {
      public void createStream(Consumer<CreateStreamRequest.Builder> request) {
        client.createStream(request);
      }

      public void waitUntilStreamExists(String streamName) {
        client.waiter().waitUntilStreamExists(r -> r.streamName(streamName), QUICK_WAITER);
      }

      public void waitUntilStreamNotExists(String streamName) {
        client.waiter().waitUntilStreamNotExists(r -> r.streamName(streamName), QUICK_WAITER);
      }

      public DescribeStreamSummaryResponse describeStreamSummary(
          Consumer<DescribeStreamSummaryRequest.Builder> request) {
        return client.describeStreamSummary(request);
      }

      public DescribeStreamResponse describeStream(Consumer<DescribeStreamRequest.Builder> request) {
        return client.describeStream(request);
      }

      public PutRecordResponse putRecord(Consumer<PutRecordRequest.Builder> request) {
        return client.putRecord(request);
      }

      public PutRecordsResponse putRecords(Consumer<PutRecordsRequest.Builder> request) {
        return client.putRecords(request);
      }

      public ListShardsResponse listShards(Consumer<ListShardsRequest.Builder> request) {
        return client.listShards(request);
      }

      public GetShardIteratorResponse getShardIterator(Consumer<GetShardIteratorRequest.Builder> request) {
        return client.getShardIterator(request);
      }

      public GetRecordsResponse getRecords(Consumer<GetRecordsRequest.Builder> request) {
        return client.getRecords(request);
      }

      public void deleteStream(Consumer<DeleteStreamRequest.Builder> request) {
        client.deleteStream(request);
      }

      public void close() {
        client.close();
      }
    };
  }

  static KinesisCalls of(KinesisAsyncClient client) {
    return new KinesisCalls() {
      public void createStream(Consumer<CreateStreamRequest.Builder> request) {
        join(client.createStream(request));
      }

      public void waitUntilStreamExists(String streamName) {
        join(client.waiter().waitUntilStreamExists(r -> r.streamName(streamName), QUICK_WAITER));
      }

      public void waitUntilStreamNotExists(String streamName) {
        join(client.waiter().waitUntilStreamNotExists(r -> r.streamName(streamName), QUICK_WAITER));
      }

      public DescribeStreamSummaryResponse describeStreamSummary(
          Consumer<DescribeStreamSummaryRequest.Builder> request) {
        return join(client.describeStreamSummary(request));
      }

      public DescribeStreamResponse describeStream(Consumer<DescribeStreamRequest.Builder> request) {
        return join(client.describeStream(request));
      }

      public PutRecordResponse putRecord(Consumer<PutRecordRequest.Builder> request) {
        return join(client.putRecord(request));
      }

      public PutRecordsResponse putRecords(Consumer<PutRecordsRequest.Builder> request) {
        return join(client.putRecords(request));
      }

      public ListShardsResponse listShards(Consumer<ListShardsRequest.Builder> request) {
        return join(client.listShards(request));
      }

      public GetShardIteratorResponse getShardIterator(Consumer<GetShardIteratorRequest.Builder> request) {
        return join(client.getShardIterator(request));
      }

      public GetRecordsResponse getRecords(Consumer<GetRecordsRequest.Builder> request) {
        return join(client.getRecords(request));
      }

      public void deleteStream(Consumer<DeleteStreamRequest.Builder> request) {
        join(client.deleteStream(request));
      }

      public void close() {
        client.close();
      }
    };
  }
}
