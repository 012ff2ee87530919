package kinesisgateway;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeAction;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValueUpdate;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ExpectedAttributeValue;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * What KCL does with its lease table, through DynamoDbAsyncClient (Netty, HTTP/1.1, as KCL uses it): create the
 * table and wait for it, add the lease-owner index and wait for it, create, take, renew and checkpoint a lease
 * with the legacy Expected / AttributeUpdates and with expressions, scan in segments, query by owner. The SDK
 * checks every response's x-amz-crc32.
 */
final class DynamoDbScenario {
  private static final String INDEX = "LeaseOwnerToLeaseKeyIndex";
  private final DynamoDbAsyncClient dynamo;
  private final String table;

  DynamoDbScenario(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  void run() {
    dynamo
        .createTable(
            r ->
                r.tableName(table)
                    .attributeDefinitions(attribute("leaseKey"))
                    .keySchema(key("leaseKey", KeyType.HASH))
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .deletionProtectionEnabled(false))
        .join();
    dynamo.waiter().waitUntilTableExists(r -> r.tableName(table)).join();
    Mismatch.checkEqual(
        TableStatus.ACTIVE, dynamo.describeTable(r -> r.tableName(table)).join().table().tableStatus(), "TableStatus");

    dynamo
        .updateTable(
            r ->
                r.tableName(table)
                    .attributeDefinitions(attribute("leaseOwner"), attribute("leaseKey"))
                    .globalSecondaryIndexUpdates(
                        u ->
                            u.create(
                                c ->
                                    c.indexName(INDEX)
                                        .keySchema(key("leaseOwner", KeyType.HASH), key("leaseKey", KeyType.RANGE))
                                        .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY)))))
        .join();
    waitForIndex();

    Map<String, AttributeValue> lease =
        Map.of("leaseKey", s("shardId-000000000000"), "leaseCounter", n("0"), "checkpoint", s("TRIM_HORIZON"));
    Map<String, ExpectedAttributeValue> absent =
        Map.of("leaseKey", ExpectedAttributeValue.builder().exists(false).build());
    dynamo.putItem(r -> r.tableName(table).item(lease).expected(absent)).join();
    conditionFails(dynamo.putItem(r -> r.tableName(table).item(lease).expected(absent)));

    Map<String, AttributeValue> key = Map.of("leaseKey", s("shardId-000000000000"));
    var take =
        dynamo.updateItem(
            r ->
                r.tableName(table)
                    .key(key)
                    .attributeUpdates(
                        Map.of(
                            "leaseCounter", update(AttributeAction.ADD, n("1")),
                            "leaseOwner", update(AttributeAction.PUT, s("worker-1")),
                            "checkpointOwner", AttributeValueUpdate.builder().action(AttributeAction.DELETE).build()))
                    .expected(
                        Map.of(
                            "leaseOwner", ExpectedAttributeValue.builder().exists(false).build(),
                            "leaseKey",
                                ExpectedAttributeValue.builder().value(s("shardId-000000000000")).exists(true).build()))
                    .returnValues(ReturnValue.ALL_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
    Mismatch.checkEqual(n("1"), take.join().attributes().get("leaseCounter"), "leaseCounter after the take");

    ConditionalCheckFailedException lost =
        conditionFails(
            dynamo.updateItem(
                r ->
                    r.tableName(table)
                        .key(key)
                        .attributeUpdates(Map.of("leaseOwner", update(AttributeAction.PUT, s("worker-2"))))
                        .expected(Map.of("leaseOwner", ExpectedAttributeValue.builder().exists(false).build()))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
    Mismatch.checkEqual(s("worker-1"), lost.item().get("leaseOwner"), "the item of ConditionalCheckFailedException");

    dynamo
        .updateItem(
            r ->
                r.tableName(table)
                    .key(key)
                    .updateExpression("SET #c = :c, #n = #n + :one")
                    .conditionExpression("attribute_exists(#k) AND #o = :owner AND #n = :counter")
                    .expressionAttributeNames(
                        Map.of("#c", "checkpoint", "#n", "leaseCounter", "#k", "leaseKey", "#o", "leaseOwner"))
                    .expressionAttributeValues(
                        Map.of(
                            ":c", s("49590338271490256608559692538361571095921575989136588898"),
                            ":one", n("1"),
                            ":owner", s("worker-1"),
                            ":counter", n("1"))))
        .join();

    var stored = dynamo.getItem(r -> r.tableName(table).key(key).consistentRead(true)).join().item();
    Mismatch.checkEqual(n("2"), stored.get("leaseCounter"), "leaseCounter after the checkpoint");
    Mismatch.checkEqual(
        s("49590338271490256608559692538361571095921575989136588898"), stored.get("checkpoint"), "checkpoint");

    int scanned = 0;
    for (int segment = 0; segment < 3; segment++) {
      final int current = segment;
      scanned += dynamo.scan(r -> r.tableName(table).segment(current).totalSegments(3)).join().count();
    }
    Mismatch.checkEqual(1, scanned, "items in the three scan segments");

    var owned =
        dynamo
            .query(
                r ->
                    r.tableName(table)
                        .indexName(INDEX)
                        .keyConditionExpression("leaseOwner = :owner")
                        .expressionAttributeValues(Map.of(":owner", s("worker-1"))))
            .join();
    Mismatch.checkEqual(
        Map.of("leaseKey", s("shardId-000000000000"), "leaseOwner", s("worker-1")),
        owned.items().get(0),
        "the leases of worker-1");

    dynamo
        .deleteItem(
            r ->
                r.tableName(table)
                    .key(key)
                    .conditionExpression("#o = :owner")
                    .expressionAttributeNames(Map.of("#o", "leaseOwner"))
                    .expressionAttributeValues(Map.of(":owner", s("worker-1"))))
        .join();
    dynamo.deleteTable(r -> r.tableName(table)).join();
    System.out.println("ok the lease table was created, indexed, used and deleted");
  }

  private void waitForIndex() {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      var indexes = dynamo.describeTable(r -> r.tableName(table)).join().table().globalSecondaryIndexes();
      if (!indexes.isEmpty() && indexes.get(0).indexStatus() == IndexStatus.ACTIVE) return;
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new Mismatch("the index did not become ACTIVE");
  }

  private static ConditionalCheckFailedException conditionFails(CompletableFuture<?> call) {
    try {
      call.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof ConditionalCheckFailedException failed) {
        Mismatch.checkEqual("The conditional request failed", failed.awsErrorDetails().errorMessage(), "message");
        return failed;
      }
      throw e;
    }
    throw new Mismatch("the condition held where it must fail");
  }

  private static AttributeDefinition attribute(String name) {
    return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }

  private static AttributeValueUpdate update(AttributeAction action, AttributeValue value) {
    return AttributeValueUpdate.builder().action(action).value(value).build();
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(String value) {
    return AttributeValue.fromN(value);
  }
}
