package kinesisgateway;

import java.net.URI;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.ProtocolNegotiation;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * Runs one scenario of the AWS SDK for Java v2 against a Kinesis endpoint and exits non-zero, with the reason, on
 * any answer Kinesis would not give.
 *
 * <p>Usage: {@code Main <endpoint> <scenario> <accountId>}. Scenarios:
 *
 * <ul>
 *   <li>{@code sync}: KinesisClient on the Apache HTTP client, HTTP/1.1;
 *   <li>{@code async-http2}: KinesisAsyncClient on Netty with HTTP/2 and the SDK's default protocol negotiation,
 *       which assumes HTTP/2 and sends its connection preface right away, over TCP or after the TLS handshake;
 *   <li>{@code async-http2-alpn}: the same, with HTTP/2 negotiated by TLS ALPN ({@code https://} only);
 *   <li>{@code fan-out}: enhanced fan-out (RegisterStreamConsumer, SubscribeToShard as an event stream) through
 *       KinesisAsyncClient on Netty, configured as for {@code async-http2};
 *   <li>{@code dynamodb}: KCL's use of its lease table through DynamoDbAsyncClient on Netty (HTTP/1.1), in AWS
 *       JSON 1.0 whatever the CBOR setting;
 *   <li>{@code kcl-fan-out} and {@code kcl-polling}: a Kinesis Client Library 3.x application (see
 *       {@link KclScenario}, configured by system properties) with its default enhanced fan-out retrieval, or
 *       polling;
 *   <li>{@code kpl}: a Kinesis Producer Library application with aggregation (see {@link KplScenario}), against
 *       an {@code https://} endpoint;
 *   <li>{@code kcl-1x}: a Kinesis Client Library 1.x application on the AWS SDK for Java v1 (see {@link
 *       Kcl1Scenario}, configured by the same system properties).
 * </ul>
 *
 * <p>On {@code https://} any certificate is trusted. The SDK speaks CBOR unless started with
 * {@code -Daws.cborEnabled=false}; every request and response must carry the matching Content-Type.
 */
public final class Main {
  private static final String JSON_CONTENT_TYPE = "application/x-amz-json-1.1";
  private static final String EVENT_STREAM_CONTENT_TYPE = "application/vnd.amazon.eventstream";
  private static final List<String> SCENARIOS =
      List.of(
          "sync",
          "async-http2",
          "async-http2-alpn",
          "fan-out",
          "dynamodb",
          "kcl-fan-out",
          "kcl-polling",
          "kpl",
          "kcl-1x");

  public static void main(String[] args) {
    if (args.length != 3 || !SCENARIOS.contains(args[1]) || !args[2].matches("\\d{12}")) {
      System.err.println("usage: Main <endpoint> <" + String.join("|", SCENARIOS) + "> <12-digit account id>");
      System.exit(2);
    }
    URI endpoint = URI.create(args[0]);
    String scenario = args[1];
    String accountId = args[2];
    boolean cbor = SdkSystemSetting.CBOR_ENABLED.getBooleanValueOrThrow();
    String contentType =
        scenario.equals("dynamodb")
            ? "application/x-amz-json-1.0"
            : cbor ? "application/x-amz-cbor-1.1" : JSON_CONTENT_TYPE;
    System.out.println("scenario " + scenario + " against " + endpoint + ", expecting " + contentType);

    WireRecorder wire = new WireRecorder();
    ClientOverrideConfiguration overrides =
        ClientOverrideConfiguration.builder()
            .addExecutionInterceptor(wire)
            // A retried call would hide the answer that made it fail.
            .retryStrategy(AwsRetryStrategy.doNotRetry())
            .build();
    int exitCode = 1;
    String streamNamePrefix = "java-" + scenario + (cbor ? "-cbor" : "-json");
    try {
      if (scenario.equals("kcl-1x")) {
        new Kcl1Scenario(
                endpoint.toString(),
                new com.amazonaws.auth.AWSStaticCredentialsProvider(
                    new com.amazonaws.auth.BasicAWSCredentials(accountId, "dummy-secret")))
            .run();
        System.out.println("PASS " + scenario);
        System.exit(0);
      }
      if (scenario.startsWith("kcl-")) {
        // KCL's own clients, as an application builds them: no recorder, and KCL's retries.
        new KclScenario(endpoint, credentials(accountId), scenario.equals("kcl-polling")).run();
        System.out.println("PASS " + scenario);
        System.exit(0);
      }
      if (scenario.equals("kpl")) {
        new KplScenario(
                endpoint,
                new com.amazonaws.auth.AWSStaticCredentialsProvider(
                    new com.amazonaws.auth.BasicAWSCredentials(accountId, "dummy-secret")))
            .run();
        System.out.println("PASS " + scenario);
        System.exit(0);
      }
      if (scenario.equals("dynamodb")) {
        try (DynamoDbAsyncClient dynamo =
            DynamoDbAsyncClient.builder()
                .httpClient(NettyNioAsyncHttpClient.builder().build())
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials(accountId))
                .overrideConfiguration(overrides)
                .build()) {
          new DynamoDbScenario(dynamo, streamNamePrefix + "-" + System.nanoTime()).run();
        }
      } else if (scenario.equals("fan-out")) {
        try (KinesisAsyncClient kinesis = asyncClient(scenario, endpoint, accountId, overrides)) {
          new FanOutScenario(kinesis, streamNamePrefix).run();
        }
      } else {
        try (KinesisCalls kinesis = client(scenario, endpoint, accountId, overrides)) {
          new PutGetScenario(kinesis, accountId, streamNamePrefix).run();
        }
      }
      checkContentTypes(wire, contentType);
      System.out.println("PASS " + scenario);
      exitCode = 0;
    } catch (Mismatch e) {
      System.err.println("MISMATCH in scenario " + scenario + ": " + e.getMessage());
    } catch (AwsServiceException e) {
      var details = e.awsErrorDetails();
      System.err.println(
          "UNEXPECTED ERROR ANSWER in scenario " + scenario + ": HTTP " + e.statusCode() + ", code "
              + details.errorCode() + ", message '" + details.errorMessage() + "', request id " + e.requestId());
      e.printStackTrace();
    } catch (Throwable e) {
      System.err.println("FAILED scenario " + scenario + ": " + e);
      e.printStackTrace();
    }
    System.exit(exitCode);
  }

  private static KinesisCalls client(
      String scenario, URI endpoint, String accountId, ClientOverrideConfiguration overrides) {
    if (scenario.equals("sync")) {
      return KinesisCalls.of(
          KinesisClient.builder()
              .httpClientBuilder(ApacheHttpClient.builder())
              .endpointOverride(endpoint)
              .region(Region.US_EAST_1)
              .credentialsProvider(credentials(accountId))
              .overrideConfiguration(overrides)
              .build());
    }
    return KinesisCalls.of(asyncClient(scenario, endpoint, accountId, overrides));
  }

  private static StaticCredentialsProvider credentials(String accountId) {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(accountId, "dummy-secret"));
  }

  private static KinesisAsyncClient asyncClient(
      String scenario, URI endpoint, String accountId, ClientOverrideConfiguration overrides) {
    var negotiation =
        scenario.equals("async-http2-alpn") ? ProtocolNegotiation.ALPN : ProtocolNegotiation.ASSUME_PROTOCOL;
    var httpClient =
        NettyNioAsyncHttpClient.builder()
            .protocol(Protocol.HTTP2)
            .protocolNegotiation(negotiation)
            .buildWithDefaults(
                AttributeMap.builder().put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, true).build());
    return KinesisAsyncClient.builder()
        .httpClient(httpClient)
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials(accountId))
        .overrideConfiguration(overrides)
        .build();
  }

  private static void checkContentTypes(WireRecorder wire, String expected) {
    List<WireRecorder.Exchange> exchanges = wire.exchanges();
    Mismatch.check(!exchanges.isEmpty(), "no request was recorded");
    for (WireRecorder.Exchange exchange : exchanges) {
      Mismatch.checkEqual(
          expectedContentType(exchange, expected),
          exchange.contentType(),
          exchange.operation() + " " + exchange.direction() + " Content-Type");
    }
    System.out.println("ok " + exchanges.size() / 2 + " requests and their responses were all " + expected
        + ", but for SubscribeToShard: " + JSON_CONTENT_TYPE + " requests, " + EVENT_STREAM_CONTENT_TYPE
        + " responses");
  }

  /**
   * The SDK sends SubscribeToShard as JSON 1.1 even when CBOR is enabled, and the answer is an AWS event
   * stream.
   */
  private static String expectedContentType(WireRecorder.Exchange exchange, String expected) {
    if (!exchange.operation().equals("SubscribeToShard")) return expected;
    return exchange.direction().equals("request") ? JSON_CONTENT_TYPE : EVENT_STREAM_CONTENT_TYPE;
  }
}
