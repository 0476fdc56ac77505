package io.peregrine.agent.hbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.agent.push.TrustedCallers;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.proto.v1.AgentConfig;
import io.peregrine.proto.v1.AgentHeartbeat;
import io.peregrine.proto.v1.HbsGrpc;
import com.google.common.net.InetAddresses;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeartbeatTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String PLUGIN_COMMIT = "0123456789abcdef0123456789abcdef01234567";
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final TrustedCallers trusted = new TrustedCallers(List.of());
  private GrpcServerHost hbs;
  private Heartbeat heartbeat;

  /** An hbs stub that records heartbeats and answers with plugin dirs and trusted IPs. */
  static final class StubHbs extends HbsGrpc.HbsImplBase {
    final ConcurrentLinkedQueue<AgentHeartbeat> beats = new ConcurrentLinkedQueue<>();

    @Override
    public void heartbeat(AgentHeartbeat request, StreamObserver<AgentConfig> response) {
      beats.add(request);
      response.onNext(AgentConfig.newBuilder().addPluginDirs("sys/ntp").addTrustedIps("10.9.9.9").build());
      response.onCompleted();
    }
  }

  @AfterEach
  void tearDown() {
    if (heartbeat != null) {
      heartbeat.close();
    }
    if (hbs != null) {
      hbs.close();
    }
  }

  private GrpcServerHost serve(StubHbs stub, int port) throws Exception {
    GrpcServerHost host = new GrpcServerHost("test-hbs", "127.0.0.1:" + port, 1, List.of(stub));
    host.start();
    return host;
  }

  private Heartbeat heartbeat(int port) {
    Heartbeat h = new Heartbeat("127.0.0.1:" + port, "node-7", "0.1.0", () -> PLUGIN_COMMIT, Duration.ofMillis(200),
        Duration.ofSeconds(2), c -> trusted.replaceFromHbs(c.getTrustedIpsList()), registry);
    h.start();
    return h;
  }

  @Test
  void heartbeatsCarryTheHostAndKeepTheConfigHbsReturns() throws Exception {
    StubHbs stub = new StubHbs();
    hbs = serve(stub, 0);
    heartbeat = heartbeat(hbs.port());
    await().atMost(WAIT).until(() -> heartbeat.lastConfig() != null);
    AgentHeartbeat beat = stub.beats.peek();
    assertThat(beat.getHostname()).isEqualTo("node-7");
    assertThat(beat.getAgentVersion()).isEqualTo("0.1.0");
    assertThat(beat.getPluginVersion()).isEqualTo(PLUGIN_COMMIT);
    assertThat(beat.getIp()).isNotEmpty();
    assertThat(heartbeat.lastConfig().getPluginDirsList()).containsExactly("sys/ntp");
    assertThat(trusted.allows(InetAddresses.forString("10.9.9.9"))).isTrue();
    await().atMost(WAIT).until(() -> stub.beats.size() >= 2); // it keeps beating
  }

  @Test
  void hbsDownIsCountedAndTheHeartbeatRecoversWhenItReturns() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    heartbeat = heartbeat(port);
    await().atMost(WAIT).until(() -> registry.get("agent_heartbeat_failures").counter().count() >= 2);
    assertThat(heartbeat.healthy()).isFalse();
    assertThat(heartbeat.lastConfig()).isNull();

    StubHbs stub = new StubHbs();
    hbs = serve(stub, port);
    await().atMost(WAIT).until(() -> heartbeat.healthy() && heartbeat.lastConfig() != null);
    assertThat(registry.get("agent_heartbeats").counter().count()).isPositive();
  }
}
