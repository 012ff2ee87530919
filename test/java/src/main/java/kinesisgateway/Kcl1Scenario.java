package kinesisgateway;

import com.amazonaws.auth.AWSCredentialsProvider;
import com.amazonaws.client.builder.AwsClientBuilder.EndpointConfiguration;
import com.amazonaws.services.cloudwatch.AmazonCloudWatch;
import com.amazonaws.services.cloudwatch.AmazonCloudWatchClientBuilder;
import com.amazonaws.services.kinesis.clientlibrary.exceptions.KinesisClientLibException;
import com.amazonaws.services.kinesis.clientlibrary.interfaces.IRecordProcessorCheckpointer;
import com.amazonaws.services.kinesis.clientlibrary.interfaces.v2.IRecordProcessor;
import com.amazonaws.services.kinesis.clientlibrary.interfaces.v2.IShutdownNotificationAware;
import com.amazonaws.services.kinesis.clientlibrary.lib.worker.InitialPositionInStream;
import com.amazonaws.services.kinesis.clientlibrary.lib.worker.KinesisClientLibConfiguration;
import com.amazonaws.services.kinesis.clientlibrary.lib.worker.ShutdownReason;
import com.amazonaws.services.kinesis.clientlibrary.lib.worker.Worker;
import com.amazonaws.services.kinesis.clientlibrary.types.InitializationInput;
import com.amazonaws.services.kinesis.clientlibrary.types.ProcessRecordsInput;
import com.amazonaws.services.kinesis.clientlibrary.types.ShutdownInput;
import com.amazonaws.services.kinesis.metrics.interfaces.MetricsLevel;
import com.amazonaws.services.kinesis.model.Record;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A Kinesis Client Library 1.x application (the AWS SDK for Java v1, HTTP/1.1, KCL's own v2 {@code
 * IRecordProcessor}), configured as its documentation shows but for the three endpoints: {@code
 * withKinesisEndpoint}, {@code withDynamoDBEndpoint}, and a CloudWatch client on the gateway for its metrics.
 * It prints and checkpoints as {@link KclScenario} does, and takes the same system properties, and {@code
 * kcl.dynamoDbEndpoint} (the gateway by default).
 */
final class Kcl1Scenario {
  private static final long FAILOVER_TIME_MILLIS = 5_000;
  private static final long SHARD_SYNC_INTERVAL_MILLIS = 1_000;
  private static final long IDLE_TIME_BETWEEN_READS_MILLIS = 200;
  /** How long KCL buffers metrics before it sends them to CloudWatch (10 s by default). */
  private static final long METRICS_BUFFER_TIME_MILLIS = 2_000;
  /** How often a processor of a child shard checks whether its parents are done (10 s by default). */
  private static final long PARENT_SHARD_POLL_INTERVAL_MILLIS = 1_000;

  private final String endpoint;
  private final AWSCredentialsProvider credentials;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  Kcl1Scenario(String endpoint, AWSCredentialsProvider credentials) {
    this.endpoint = endpoint;
    this.credentials = credentials;
  }

  void run() throws Exception {
    // KCL 1.x logs through commons-logging, here java.util.logging: its warnings only.
    Logger.getLogger("").setLevel(Level.WARNING);
    String streamName = required("kcl.stream");
    String applicationName = required("kcl.application");
    int expected = Integer.getInteger("kcl.records", 0);
    int haltAfter = Integer.getInteger("kcl.haltAfter", 0);
    String workerId = System.getProperty("kcl.worker", "worker-" + ScenarioSupport.randomHex(4));
    Duration timeout = Duration.ofSeconds(Long.getLong("kcl.timeoutSeconds", 100));

    KinesisClientLibConfiguration config =
        new KinesisClientLibConfiguration(applicationName, streamName, credentials, workerId)
            .withRegionName("us-east-1")
            .withKinesisEndpoint(endpoint)
            .withDynamoDBEndpoint(System.getProperty("kcl.dynamoDbEndpoint", endpoint))
            .withInitialPositionInStream(InitialPositionInStream.TRIM_HORIZON)
            .withMetricsLevel(MetricsLevel.DETAILED)
            .withMetricsBufferTimeMillis(METRICS_BUFFER_TIME_MILLIS)
            .withFailoverTimeMillis(FAILOVER_TIME_MILLIS)
            .withShardSyncIntervalMillis(SHARD_SYNC_INTERVAL_MILLIS)
            .withParentShardPollIntervalMillis(PARENT_SHARD_POLL_INTERVAL_MILLIS)
            .withIdleTimeBetweenReadsInMillis(IDLE_TIME_BETWEEN_READS_MILLIS);
    Integer maxRecords = Integer.getInteger("kcl.maxRecords");
    if (maxRecords != null) config.withMaxRecords(maxRecords);
    // KinesisClientLibConfiguration has no CloudWatch endpoint: the worker takes the client its metrics use.
    AmazonCloudWatch cloudWatch =
        AmazonCloudWatchClientBuilder.standard()
            .withEndpointConfiguration(new EndpointConfiguration(endpoint, "us-east-1"))
            .withCredentials(credentials)
            .build();
    Worker worker =
        new Worker.Builder()
            .recordProcessorFactory(() -> new Processor(haltAfter))
            .config(config)
            .cloudWatchClient(cloudWatch)
            .build();

    long started = System.nanoTime();
    Thread thread = new Thread(worker, "kcl-worker");
    thread.setDaemon(true);
    thread.start();
    System.out.println("STARTED " + workerId);
    if (expected > 0) {
      long deadline = started + timeout.toNanos();
      while (seen.size() < expected && System.nanoTime() < deadline) Thread.sleep(100);
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      Mismatch.check(
          seen.size() >= expected,
          "KCL processed " + seen.size() + " of " + expected + " records in " + timeout.toSeconds() + " s");
      ScenarioSupport.step("KCL 1.x processed all " + expected + " records in " + elapsedMillis + " ms");
    } else {
      ScenarioSupport.awaitEndOfInput();
      ScenarioSupport.step("KCL 1.x processed " + seen.size() + " distinct records until its input closed");
    }
    Mismatch.check(
        worker.startGracefulShutdown().get(60, TimeUnit.SECONDS), "KCL's graceful shutdown did not complete");
    long shutDownMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    ScenarioSupport.step("KCL 1.x shut down gracefully after " + shutDownMillis + " ms");
    cloudWatch.shutdown();
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null) throw new IllegalArgumentException("system property " + property + " is required");
    return value;
  }

  private final class Processor implements IRecordProcessor, IShutdownNotificationAware {
    private final int haltAfter;
    private String shardId;

    Processor(int haltAfter) {
      this.haltAfter = haltAfter;
    }

    @Override
    public void initialize(InitializationInput input) {
      shardId = input.getShardId();
      System.out.println("INITIALIZED " + shardId + " at " + input.getExtendedSequenceNumber());
    }

    @Override
    public void processRecords(ProcessRecordsInput input) {
      String last = null;
      for (Record record : input.getRecords()) {
        String data = StandardCharsets.UTF_8.decode(record.getData()).toString();
        System.out.println("PROCESSED " + shardId + " " + record.getSequenceNumber() + " " + data);
        seen.add(data);
        last = record.getSequenceNumber();
      }
      if (haltAfter > 0 && seen.size() >= haltAfter) ScenarioSupport.halt();
      if (last != null) checkpoint(input.getCheckpointer(), last);
    }

    @Override
    public void shutdownRequested(IRecordProcessorCheckpointer checkpointer) {
      checkpoint(checkpointer, "at shutdown");
    }

    @Override
    public void shutdown(ShutdownInput input) {
      if (input.getShutdownReason() == ShutdownReason.TERMINATE) {
        checkpoint(input.getCheckpointer(), "SHARD_END");
      } else {
        System.out.println("LEASE LOST " + shardId + " (" + input.getShutdownReason() + ")");
      }
    }

    private void checkpoint(IRecordProcessorCheckpointer checkpointer, String position) {
      try {
        checkpointer.checkpoint();
        System.out.println("CHECKPOINTED " + shardId + " " + position);
      } catch (KinesisClientLibException | RuntimeException e) {
        // KCL 1.x's retryable failures (a DynamoDB error) are runtime exceptions, which it would swallow.
        System.out.println("CHECKPOINT FAILED " + shardId + ": " + e);
      }
    }
  }
}
