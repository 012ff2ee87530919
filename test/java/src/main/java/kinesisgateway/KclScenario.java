package kinesisgateway;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.common.KinesisClientUtil;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.exceptions.KinesisClientLibException;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.processor.SingleStreamTracker;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.polling.PollingConfig;

/**
 * A Kinesis Client Library 3.x application, written as its documentation shows, whose Kinesis, DynamoDB and
 * CloudWatch clients all point at the gateway. It consumes a stream from TRIM_HORIZON, prints one line per
 * record it processes ({@code PROCESSED <shard id> <sequence number> <data>}), checkpoints after every batch
 * ({@code CHECKPOINTED <shard id> <sequence number>}, or {@code SHARD_END}), and shuts down gracefully once it
 * has seen the expected number of distinct records, or once its standard input closes.
 *
 * <p>Settings (system properties): {@code kcl.stream}, {@code kcl.application}, {@code kcl.records} (how many
 * distinct records to wait for; 0, the default, runs until standard input closes), {@code kcl.worker} (the
 * worker id, random by default), {@code kcl.haltAfter} (stops the JVM at once, as a crash would, after that
 * many records, before the batch holding the last one is checkpointed), {@code kcl.maxRecords} (records per
 * GetRecords in polling mode), {@code kcl.checkpointEveryMillis} (checkpoint a batch only when this long has
 * passed since the shard's last checkpoint, as applications that checkpoint periodically do; 0, the default,
 * checkpoints every batch), {@code kcl.dynamoDbEndpoint} (the gateway by default), {@code
 * kcl.timeoutSeconds} (default 100). Only what a user would tune to start
 * faster is changed from KCL's defaults: the lease failover time (which also sets how often the leader assigns
 * leases), the shard sync interval (KCL waits that long after creating the first leases before it starts
 * processing), the leader's lock duration and the worker metrics' report interval (so that a crash or a new
 * worker is acted on within seconds), and in polling mode the idle time between reads.
 */
final class KclScenario {
  private static final long FAILOVER_TIME_MILLIS = 5_000;
  /** The pause after a shard sync that created leases, which holds up the worker's start (60 s by default). */
  private static final long SHARD_SYNC_INTERVAL_MILLIS = 1_000;
  private static final long IDLE_TIME_BETWEEN_READS_MILLIS = 200;
  /**
   * How long the leader's lock outlives a worker that stopped without releasing it (2 minutes by default): only
   * the leader assigns leases, so a crashed leader holds up every reassignment that long.
   */
  private static final long LEADER_LEASE_DURATION_MILLIS = 6_000;
  private static final long LEADER_HEARTBEAT_MILLIS = 2_000;
  /** How often a worker reports its metrics (30 s by default): the leader assigns leases only to workers it knows. */
  private static final long WORKER_METRICS_REPORT_MILLIS = 2_000;

  private final URI endpoint;
  private final AwsCredentialsProvider credentials;
  private final boolean polling;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  KclScenario(URI endpoint, AwsCredentialsProvider credentials, boolean polling) {
    this.endpoint = endpoint;
    this.credentials = credentials;
    this.polling = polling;
  }

  void run() throws Exception {
    String streamName = required("kcl.stream");
    String applicationName = required("kcl.application");
    int expected = Integer.getInteger("kcl.records", 0);
    int haltAfter = Integer.getInteger("kcl.haltAfter", 0);
    long checkpointEveryNanos =
        TimeUnit.MILLISECONDS.toNanos(Long.getLong("kcl.checkpointEveryMillis", 0));
    String workerId = System.getProperty("kcl.worker", "worker-" + ScenarioSupport.randomHex(4));
    Duration timeout = Duration.ofSeconds(Long.getLong("kcl.timeoutSeconds", 100));

    // As KCL's documentation builds them (HTTP/2 for Kinesis), but for the endpoint.
    KinesisAsyncClient kinesis =
        KinesisClientUtil.createKinesisAsyncClient(
            KinesisAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials));
    DynamoDbAsyncClient dynamo =
        DynamoDbAsyncClient.builder()
            .endpointOverride(URI.create(System.getProperty("kcl.dynamoDbEndpoint", endpoint.toString())))
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials)
            .build();
    CloudWatchAsyncClient cloudWatch =
        CloudWatchAsyncClient.builder()
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials)
            .build();

    var tracker =
        new SingleStreamTracker(
            streamName, InitialPositionInStreamExtended.newInitialPosition(InitialPositionInStream.TRIM_HORIZON));
    ConfigsBuilder configs =
        new ConfigsBuilder(
            tracker,
            applicationName,
            kinesis,
            dynamo,
            cloudWatch,
            workerId,
            () -> new Processor(haltAfter, checkpointEveryNanos));
    var retrieval = configs.retrievalConfig();
    if (polling) {
      PollingConfig pollingConfig =
          new PollingConfig(streamName, kinesis).idleTimeBetweenReadsInMillis(IDLE_TIME_BETWEEN_READS_MILLIS);
      Integer maxRecords = Integer.getInteger("kcl.maxRecords");
      if (maxRecords != null) pollingConfig.maxRecords(maxRecords);
      retrieval.retrievalSpecificConfig(pollingConfig);
    }
    var leases = configs.leaseManagementConfig();
    leases.workerUtilizationAwareAssignmentConfig().workerMetricsReporterFreqInMillis(WORKER_METRICS_REPORT_MILLIS);
    Scheduler scheduler =
        new Scheduler(
            configs.checkpointConfig(),
            configs.coordinatorConfig(),
            leases
                .failoverTimeMillis(FAILOVER_TIME_MILLIS)
                .shardSyncIntervalMillis(SHARD_SYNC_INTERVAL_MILLIS)
                .dynamoDbLockBasedLeaderLeaseDurationInMillis(LEADER_LEASE_DURATION_MILLIS)
                .dynamoDbLockBasedLeaderHeartbeatPeriodInMillis(LEADER_HEARTBEAT_MILLIS),
            configs.lifecycleConfig(),
            configs.metricsConfig(),
            configs.processorConfig(),
            retrieval);

    long started = System.nanoTime();
    Thread worker = new Thread(scheduler, "kcl-scheduler");
    worker.setDaemon(true);
    worker.start();
    System.out.println("STARTED " + workerId);
    if (expected > 0) {
      long deadline = started + timeout.toNanos();
      while (seen.size() < expected && System.nanoTime() < deadline) Thread.sleep(100);
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      Mismatch.check(
          seen.size() >= expected,
          "KCL processed " + seen.size() + " of " + expected + " records in " + timeout.toSeconds() + " s");
      ScenarioSupport.step("KCL processed all " + expected + " records in " + elapsedMillis + " ms");
    } else {
      ScenarioSupport.awaitEndOfInput();
      ScenarioSupport.step("KCL processed " + seen.size() + " distinct records until its input closed");
    }
    Mismatch.check(
        scheduler.startGracefulShutdown().get(60, TimeUnit.SECONDS), "KCL's graceful shutdown did not complete");
    long shutDownMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    ScenarioSupport.step("KCL shut down gracefully after " + shutDownMillis + " ms");
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null) throw new IllegalArgumentException("system property " + property + " is required");
    return value;
  }

  private final class Processor implements ShardRecordProcessor {
    private final int haltAfter;
    private final long checkpointEveryNanos;
    private String shardId;
    private long lastCheckpointAt = System.nanoTime();

    Processor(int haltAfter, long checkpointEveryNanos) {
      this.haltAfter = haltAfter;
      this.checkpointEveryNanos = checkpointEveryNanos;
    }

    @Override
    public void initialize(InitializationInput input) {
      shardId = input.shardId();
      System.out.println("INITIALIZED " + shardId + " at " + input.extendedSequenceNumber());
    }

    @Override
    public void processRecords(ProcessRecordsInput input) {
      String last = null;
      for (KinesisClientRecord record : input.records()) {
        String data = StandardCharsets.UTF_8.decode(record.data()).toString();
        System.out.println("PROCESSED " + shardId + " " + record.sequenceNumber() + " " + data);
        seen.add(data);
        last = record.sequenceNumber();
      }
      if (haltAfter > 0 && seen.size() >= haltAfter) ScenarioSupport.halt();
      if (last != null && System.nanoTime() - lastCheckpointAt >= checkpointEveryNanos) {
        checkpoint(input.checkpointer(), last);
      }
    }

    @Override
    public void leaseLost(LeaseLostInput input) {
      System.out.println("LEASE LOST " + shardId);
    }

    @Override
    public void shardEnded(ShardEndedInput input) {
      checkpoint(input.checkpointer(), "SHARD_END");
    }

    @Override
    public void shutdownRequested(ShutdownRequestedInput input) {
      checkpoint(input.checkpointer(), "at shutdown");
    }

    private void checkpoint(RecordProcessorCheckpointer checkpointer, String position) {
      try {
        checkpointer.checkpoint();
        lastCheckpointAt = System.nanoTime();
        System.out.println("CHECKPOINTED " + shardId + " " + position);
      } catch (KinesisClientLibException e) {
        System.out.println("CHECKPOINT FAILED " + shardId + ": " + e);
      }
    }
  }
}
