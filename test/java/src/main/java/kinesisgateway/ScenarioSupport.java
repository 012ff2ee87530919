package kinesisgateway;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.core.SdkBytes;

/** What the scenarios share: test data, progress lines, and waiting for async calls. */
final class ScenarioSupport {
  private static final SecureRandom RANDOM = new SecureRandom();

  private ScenarioSupport() {}

  /** The future's value; a failure surfaces as the exception the call failed with, not wrapped. */
  static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) throw cause;
      throw e;
    }
  }

  /** Every byte value can occur, so the data is not mistaken for text anywhere on the way. */
  static SdkBytes randomData(int length) {
    byte[] bytes = new byte[length];
    RANDOM.nextBytes(bytes);
    bytes[0] = (byte) 0xff;
    return SdkBytes.fromByteArray(bytes);
  }

  static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    RANDOM.nextBytes(random);
    return HexFormat.of().formatHex(random);
  }

  static String hex(SdkBytes bytes) {
    return bytes == null ? null : HexFormat.of().formatHex(bytes.asByteArray());
  }

  static void step(String message) {
    System.out.println("ok " + message);
  }

  /** Returns once standard input is closed: how the test tells a long-running worker to stop. */
  static void awaitEndOfInput() throws java.io.IOException {
    while (System.in.read() >= 0) {
      // nothing is read but the end
    }
  }

  /** Stops the JVM at once, as a crash would: no shutdown hook, no graceful shutdown, no last checkpoint. */
  static void halt() {
    System.out.println("HALTED");
    System.out.flush();
    Runtime.getRuntime().halt(HALT_EXIT_CODE);
  }

  static final int HALT_EXIT_CODE = 3;
}
