package io.peregrine.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.peregrine.common.config.ConfigLoader;
import io.peregrine.common.lifecycle.Lifecycle;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.graph.GraphServer;
import io.peregrine.hbs.HbsServer;
import io.peregrine.judge.JudgeServer;
import io.peregrine.proto.v1.AgentHeartbeat;
import io.peregrine.proto.v1.HbsGrpc;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.TransferGrpc;
import io.peregrine.sender.SenderServer;
import io.peregrine.transfer.TransferServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert path the way production runs it, against the machine's Redis (127.0.0.1:6379) under a key prefix of
 * this test's own: a push through transfer reaches judge, judge LPUSHes the event to {@code event:p1}, and sender
 * takes it from there and delivers it. Fails, never skips, when Redis is down.
 */
class RedisAlertPathIT {
  private static final String REDIS = "redis://127.0.0.1:6379/0";

  @TempDir Path dir;
  private final Lifecycle lifecycle = new Lifecycle("redis-e2e");
  private final String prefix = "peregrine-it-" + UUID.randomUUID() + ":";
  private final String host = "redis-e2e-" + UUID.randomUUID().toString().substring(0, 8);
  private RedisClient client;
  private StatefulRedisConnection<String, String> connection;
  private RedisCommands<String, String> redis;
  private ManagedChannel hbsChannel;
  private ManagedChannel transferChannel;

  @BeforeEach
  void connect() {
    client = RedisClient.create(REDIS);
    connection = client.connect();
    redis = connection.sync();
  }

  @AfterEach
  void cleanUp() {
    for (ManagedChannel c : new ManagedChannel[] {hbsChannel, transferChannel}) {
      if (c != null) {
        GrpcChannels.close(c);
      }
    }
    lifecycle.close();
    List<String> keys = redis.keys(prefix + "*");
    if (!keys.isEmpty()) {
      redis.del(keys.toArray(String[]::new));
    }
    connection.close();
    client.shutdown();
  }

  @Test
  void pushedCrossingTravelsThroughRedisAsAnOpenFalconEventAndIsDelivered() throws Exception {
    PeregrineConfig config = Pipeline.loopbackConfig(dir, host, Map.of(
        "judge.redisUrl", REDIS, "judge.redisKeyPrefix", prefix,
        "sender.redisUrl", REDIS, "sender.redisKeyPrefix", prefix, "sender.consumerId", "it"));
    Clock clock = Clock.systemUTC();
    HbsServer hbs = lifecycle.start(new HbsServer(config.hbs(), clock));
    GraphServer graph = lifecycle.start(new GraphServer(config.graph(), clock));
    String hbsAddress = "127.0.0.1:" + hbs.grpcPort();
    config = new ConfigLoader().with(config, PeregrineConfig.class,
        Map.of("judge.hbsAddress", hbsAddress, "sender.hbsAddress", hbsAddress));
    JudgeServer judge = lifecycle.start(new JudgeServer(config.judge(), null, clock));
    TransferServer transfer = lifecycle.start(new TransferServer(config.transfer().withNodes(
        List.of("graph-0=127.0.0.1:" + graph.grpcPort()), List.of("judge-0=127.0.0.1:" + judge.grpcPort())), clock));

    hbsChannel = Pipeline.channel(hbs.grpcPort());
    HbsGrpc.newBlockingStub(hbsChannel).heartbeat(AgentHeartbeat.newBuilder().setHostname(host)
        .setIp("127.0.0.1").setAgentVersion("it").build());
    await().atMost(Duration.ofSeconds(30)).until(() ->
        Pipeline.get(judge.httpPort(), "/api/v1/strategies").contains(host));

    long now = System.currentTimeMillis() / 1000;
    transferChannel = Pipeline.channel(transfer.grpcPort());
    SampleBatch hot = SampleBatch.newBuilder()
        .addSamples(Pipeline.gauge(host, "demo.temperature", "room=lab", 95, now - 120))
        .addSamples(Pipeline.gauge(host, "demo.temperature", "room=lab", 96, now - 60))
        .addSamples(Pipeline.gauge(host, "demo.temperature", "room=lab", 97, now))
        .build();
    assertThat(TransferGrpc.newBlockingStub(transferChannel).push(hot).getAccepted()).isEqualTo(3);

    String queue = prefix + "event:p1";
    await().atMost(Duration.ofSeconds(30)).until(() -> redis.llen(queue) == 1);
    JsonNode event = new ObjectMapper().readTree(redis.lindex(queue, 0));
    assertThat(event.get("id").asText()).startsWith("s_").hasSize(2 + event.at("/strategy/id").asText().length()
        + 1 + 32);
    assertThat(event.get("status").asText()).isEqualTo("PROBLEM");
    assertThat(event.get("endpoint").asText()).isEqualTo(host);
    assertThat(event.get("leftValue").asDouble()).isEqualTo(97.0);
    assertThat(event.get("currentStep").asInt()).isEqualTo(1);
    assertThat(event.get("eventTime").asLong()).isEqualTo(now);
    assertThat(event.get("pushedTags").get("room").asText()).isEqualTo("lab");
    assertThat(event.at("/strategy/func").asText()).isEqualTo("all(#3)");
    assertThat(event.at("/strategy/metric").asText()).isEqualTo("demo.temperature");
    assertThat(event.has("expression")).isTrue();

    Pipeline.Console console = new Pipeline.Console();
    lifecycle.start(new SenderServer(config.sender(), null, console.stream));

    await().atMost(Duration.ofSeconds(30)).until(() -> console.text().contains("[P1][PROBLEM][" + host + "]"));
    assertThat(console.text()).contains("-> admin");
    await().atMost(Duration.ofSeconds(10)).until(() ->
        redis.llen(queue) == 0 && redis.llen(prefix + "event:processing:it") == 0);
    assertThat(redis.llen(prefix + "event:dead")).isZero();
  }
}
