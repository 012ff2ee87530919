package kinesisgateway;

/** The gateway answered something the AWS SDK for Java v2 accepted, but not what Kinesis would answer. */
final class Mismatch extends RuntimeException {
  Mismatch(String message) {
    super(message);
  }

  static void check(boolean condition, String message) {
    if (!condition) throw new Mismatch(message);
  }

  static void checkEqual(Object expected, Object actual, String what) {
    if (!java.util.Objects.equals(expected, actual)) {
      throw new Mismatch(what + ": expected <" + expected + "> but was <" + actual + ">");
    }
  }
}
