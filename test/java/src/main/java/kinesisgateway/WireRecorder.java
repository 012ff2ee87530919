package kinesisgateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Records the Content-Type of every request the SDK sends and of every response it receives, and prints the
 * headers of SubscribeToShard requests and responses.
 */
final class WireRecorder implements ExecutionInterceptor {
  record Exchange(String operation, String direction, String contentType) {}

  private final List<Exchange> exchanges = new ArrayList<>();

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    record(attributes, "request", context.httpRequest().firstMatchingHeader("Content-Type").orElse(null));
    if (isSubscribeToShard(attributes)) {
      var request = context.httpRequest();
      printHeaders("SubscribeToShard request " + request.method() + " " + request.encodedPath(), request.headers());
    }
  }

  @Override
  public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
    record(attributes, "response", context.httpResponse().firstMatchingHeader("Content-Type").orElse(null));
    if (isSubscribeToShard(attributes)) {
      var response = context.httpResponse();
      printHeaders("SubscribeToShard response HTTP " + response.statusCode(), response.headers());
    }
  }

  private static boolean isSubscribeToShard(ExecutionAttributes attributes) {
    return "SubscribeToShard".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
  }

  private static void printHeaders(String what, Map<String, List<String>> headers) {
    StringBuilder text = new StringBuilder(what);
    headers.forEach(
        (name, values) -> {
          // The signature changes on every run and says nothing about the protocol.
          String value = name.equalsIgnoreCase("Authorization") ? "(signature)" : String.join(", ", values);
          text.append("\n  ").append(name).append(": ").append(value);
        });
    System.out.println(text);
  }

  private synchronized void record(ExecutionAttributes attributes, String direction, String contentType) {
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    exchanges.add(new Exchange(operation, direction, contentType));
  }

  synchronized List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }
}
