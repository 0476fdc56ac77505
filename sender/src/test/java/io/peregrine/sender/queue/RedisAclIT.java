package io.peregrine.sender.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.event.AlertQueueException;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis AUTH with an ACL user through Lettuce (the URL's user part, {@code redis://user:password@host}), against
 * the machine's Redis: a user of the test's own, allowed only its own key prefix, removed after.
 */
class RedisAclIT {
  private final String user = "pgr_it_" + UUID.randomUUID().toString().substring(0, 8);
  private final String password = "pw-" + UUID.randomUUID();
  private final String prefix = user + ":";
  private RedisClient admin;
  private StatefulRedisConnection<String, String> adminConnection;

  @BeforeEach
  void addUser() {
    admin = RedisClient.create("redis://127.0.0.1:6379/0");
    adminConnection = admin.connect();
    adminConnection.sync().aclSetuser(user, io.lettuce.core.AclSetuserArgs.Builder.on().addPassword(password)
        .keyPattern(prefix + "*").allCommands());
  }

  @AfterEach
  void removeUser() {
    adminConnection.sync().aclDeluser(user);
    adminConnection.sync().del(prefix + "k");
    adminConnection.close();
    admin.shutdown();
  }

  @Test
  void anAclUserConnectsAndWrongCredentialsAreRefusedWithoutEchoingThem() throws Exception {
    try (RedisConnector ok = new RedisConnector("redis://" + user + ":" + password + "@127.0.0.1:6379/0",
        r -> { }, new SimpleMeterRegistry())) {
      ok.start();
      String answer = ok.call("set", r -> r.set(prefix + "k", "v"));
      assertThat(answer).isEqualTo("OK");
      assertThat(ok.where()).doesNotContain(password).doesNotContain(user + ":");
    }
    try (RedisConnector bad = new RedisConnector("redis://" + user + ":wrong-" + password + "@127.0.0.1:6379/0",
        r -> { }, new SimpleMeterRegistry())) {
      bad.start();
      assertThatThrownBy(() -> bad.call("get", r -> r.get(prefix + "k")))
          .isInstanceOf(AlertQueueException.class)
          .message().doesNotContain(password);
    }
  }
}
