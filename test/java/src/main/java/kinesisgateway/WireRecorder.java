package kinesisgateway;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/** Records the Content-Type of every request the SDK sends and of every response it receives. */
final class WireRecorder implements ExecutionInterceptor {
  record Exchange(String operation, String direction, String contentType) {}

  private final List<Exchange> exchanges = new ArrayList<>();

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    record(attributes, "request", context.httpRequest().firstMatchingHeader("Content-Type").orElse(null));
  }

  @Override
  public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
    record(attributes, "response", context.httpResponse().firstMatchingHeader("Content-Type").orElse(null));
  }

  private synchronized void record(ExecutionAttributes attributes, String direction, String contentType) {
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    exchanges.add(new Exchange(operation, direction, contentType));
  }

  synchronized List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }
}
