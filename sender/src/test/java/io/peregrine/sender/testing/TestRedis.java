package io.peregrine.sender.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.UUID;

/**
 * The machine's Redis (127.0.0.1:6379) under a key prefix unique to one test; {@link #close()} deletes every key
 * with that prefix. Fails, never skips, when Redis is not there.
 */
public final class TestRedis implements AutoCloseable {
  public static final String URL = "redis://127.0.0.1:6379/0";

  private final RedisClient client = RedisClient.create(URL);
  private final StatefulRedisConnection<String, String> connection = client.connect();
  private final String prefix = "peregrine-test:" + UUID.randomUUID() + ":";

  public String prefix() {
    return prefix;
  }

  public RedisCommands<String, String> redis() {
    return connection.sync();
  }

  @Override
  public void close() {
    RedisCommands<String, String> r = redis();
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page = r.scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(500));
      if (!page.getKeys().isEmpty()) {
        r.del(page.getKeys().toArray(new String[0]));
      }
      cursor = page;
    } while (!cursor.isFinished());
    connection.close();
    client.shutdown();
  }
}
