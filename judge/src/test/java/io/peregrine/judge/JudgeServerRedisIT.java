package io.peregrine.judge;

import static io.peregrine.judge.testing.Strategies.strategy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertEventJson;
import io.peregrine.common.event.AlertQueues;
import io.peregrine.common.model.SeriesKey;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.common.time.ManualClock;
import io.peregrine.judge.testing.FakeHbs;
import io.peregrine.judge.testing.Strategies;
import io.peregrine.proto.v1.JudgeGrpc;
import io.peregrine.proto.v1.SampleBatch;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The judge built with no publisher: it makes its own Redis publisher from judge.redisUrl. */
class JudgeServerRedisIT {
  @Test
  void eventsLandInRedisQueuesWhenOnlyARedisUrlIsGiven() throws Exception {
    long t0 = 1_800_000_000L;
    String prefix = "peregrine-test-judge-" + UUID.randomUUID() + ":";
    String queue = AlertQueues.name(prefix, 4);
    RedisClient client = RedisClient.create("redis://127.0.0.1:6379/0");
    try (StatefulRedisConnection<String, String> redis = client.connect();
        FakeHbs hbs = new FakeHbs(Strategies.set(1, "host1",
            strategy(11, "load.1min", "max(#2)", ">", 8).setPriority(4)))) {
      JudgeConfig config = JudgeConfig.defaults().withListen("127.0.0.1:0", "127.0.0.1:0")
          .withHbs(hbs.address(), Duration.ofMillis(200)).withRedis("redis://127.0.0.1:6379/0", prefix);
      try (JudgeServer judge = new JudgeServer(config, null, new ManualClock(t0 + 60))) {
        judge.start();
        await().atMost(Duration.ofSeconds(10)).until(judge::strategiesLoaded);
        ManagedChannel channel = GrpcChannels.forAddress("127.0.0.1:" + judge.grpcPort());
        try {
          JudgeGrpc.newBlockingStub(channel).push(SampleBatch.newBuilder()
              .addSamples(TestSamples.gauge("host1", "load.1min", "", 3, t0))
              .addSamples(TestSamples.gauge("host1", "load.1min", "", 9.5, t0 + 60)).build());
        } finally {
          GrpcChannels.close(channel);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.sync().llen(queue) == 1);
      }
      AlertEvent event = AlertEventJson.read(redis.sync().rpop(queue));
      assertThat(event.id()).isEqualTo("s_11_" + SeriesKey.md5Hex("host1/load.1min"));
      assertThat(event.leftValue()).isEqualTo(9.5);
      assertThat(event.eventTime()).isEqualTo(t0 + 60);
      assertThat(event.priority()).isEqualTo(4);
    } finally {
      try (StatefulRedisConnection<String, String> redis = client.connect()) {
        for (int p = AlertQueues.MIN_PRIORITY; p <= AlertQueues.MAX_PRIORITY; p++) {
          redis.sync().del(AlertQueues.name(prefix, p));
        }
        for (String key : redis.sync().keys(prefix + "*")) {
          redis.sync().del(key); // the judge's state, written with the event
        }
      }
      client.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(2));
    }
  }
}
