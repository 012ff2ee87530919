package kinesisgateway;

import com.amazonaws.auth.AWSCredentialsProvider;
import com.amazonaws.services.kinesis.producer.KinesisProducer;
import com.amazonaws.services.kinesis.producer.KinesisProducerConfiguration;
import com.amazonaws.services.kinesis.producer.UserRecordFailedException;
import com.amazonaws.services.kinesis.producer.UserRecordResult;
import com.google.common.util.concurrent.ListenableFuture;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A Kinesis Producer Library application, configured as its documentation shows, with aggregation on and its
 * Kinesis and CloudWatch endpoints at the gateway's TLS port. The KPL's native producer speaks HTTPS only, and
 * the gateway's certificate is self-signed, so certificate verification is off. Its STS endpoint (GetCallerIdentity,
 * asked once for the account) is the gateway too.
 *
 * <p>It puts {@code kpl.records} user records (system property) to the stream {@code kpl.stream} under five
 * partition keys; the data of record {@code i} is {@code kpl-<i>-} followed by {@code x} up to its size: most are
 * small, every 25th is 10 KB, and the last is 60 KB, more than an aggregated record holds (50 KB), so the KPL
 * sends it on its own. It prints one line per record ({@code PUT <i> <shard id> <sequence number>}); records
 * aggregated together share their sequence number. Metrics go to the gateway's CloudWatch every second
 * ({@code kpl.metricsLevel}, default {@code detailed}); {@code kpl.logLevel} (default {@code warning}) is the native
 * producer's log level.
 */
final class KplScenario {
  private static final int PARTITION_KEYS = 5;
  private static final int SMALL_SIZE = 40;
  private static final int MEDIUM_SIZE = 10 * 1024;
  private static final int LARGE_SIZE = 60 * 1024;

  private final URI endpoint;
  private final AWSCredentialsProvider credentials;

  KplScenario(URI endpoint, AWSCredentialsProvider credentials) {
    this.endpoint = endpoint;
    this.credentials = credentials;
  }

  /** The data of record {@code index} of {@code count}. */
  static String data(int index, int count) {
    int size = index == count - 1 ? LARGE_SIZE : index % 25 == 0 ? MEDIUM_SIZE : SMALL_SIZE + index % 7;
    StringBuilder data = new StringBuilder(size).append("kpl-").append(index).append('-');
    while (data.length() < size) data.append('x');
    return data.toString();
  }

  void run() throws Exception {
    Mismatch.check(endpoint.getScheme().equals("https"), "the KPL needs an https:// endpoint");
    String streamName = System.getProperty("kpl.stream");
    Mismatch.check(streamName != null, "system property kpl.stream is required");
    int count = Integer.getInteger("kpl.records", 500);

    KinesisProducerConfiguration config =
        new KinesisProducerConfiguration()
            .setRegion("us-east-1")
            .setCredentialsProvider(credentials)
            .setKinesisEndpoint(endpoint.getHost())
            .setKinesisPort(endpoint.getPort())
            .setCloudwatchEndpoint(endpoint.getHost())
            .setCloudwatchPort(endpoint.getPort())
            // The KPL asks STS for its account before it sends anything, to build the stream's ARN.
            .setStsEndpoint(endpoint.getHost())
            .setStsPort(endpoint.getPort())
            .setVerifyCertificate(false)
            .setAggregationEnabled(true)
            .setRecordMaxBufferedTime(200)
            .setMetricsLevel(System.getProperty("kpl.metricsLevel", "detailed"))
            .setMetricsUploadDelay(1_000)
            .setLogLevel(System.getProperty("kpl.logLevel", "warning"));
    KinesisProducer producer = new KinesisProducer(config);
    long started = System.nanoTime();
    try {
      List<ListenableFuture<UserRecordResult>> results = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        ByteBuffer data = ByteBuffer.wrap(data(i, count).getBytes(StandardCharsets.US_ASCII));
        results.add(producer.addUserRecord(streamName, "key-" + i % PARTITION_KEYS, data));
        // The KPL learns the stream's shards (ListShards) when its first record arrives, and puts records alone
        // until it knows them: the others wait for that first record, so that they are aggregated.
        if (i == 0) result(results.get(0), 0);
      }
      producer.flushSync();
      Set<String> kinesisRecords = new HashSet<>();
      for (int i = 0; i < count; i++) {
        UserRecordResult result = result(results.get(i), i);
        System.out.println("PUT " + i + " " + result.getShardId() + " " + result.getSequenceNumber());
        kinesisRecords.add(result.getShardId() + "/" + result.getSequenceNumber());
      }
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      ScenarioSupport.step(
          "the KPL put " + count + " user records in " + kinesisRecords.size() + " Kinesis records in "
              + elapsedMillis + " ms");
      // Two metric uploads at least, so the gateway's CloudWatch has seen them.
      Thread.sleep(2_500);
    } finally {
      producer.destroy();
    }
  }

  private static UserRecordResult result(ListenableFuture<UserRecordResult> future, int index)
      throws InterruptedException {
    try {
      UserRecordResult result = future.get(60, TimeUnit.SECONDS);
      Mismatch.check(result.isSuccessful(), "record " + index + " was not put");
      return result;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UserRecordFailedException failed) {
        var attempts = failed.getResult().getAttempts();
        var last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
        throw new Mismatch(
            "record " + index + " failed after " + attempts.size() + " attempts"
                + (last == null ? "" : ": " + last.getErrorCode() + " " + last.getErrorMessage()));
      }
      throw new Mismatch("record " + index + " failed: " + e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new Mismatch("record " + index + " was not answered in 60 s");
    }
  }
}
