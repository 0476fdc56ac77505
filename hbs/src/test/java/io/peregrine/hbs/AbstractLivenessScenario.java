package io.peregrine.hbs;

import static org.assertj.core.api.Assertions.assertThat;

import io.peregrine.common.time.ManualClock;
import io.peregrine.proto.v1.HostAlive;
import io.peregrine.proto.v1.HostLiveness;
import io.peregrine.proto.v1.HostLivenessRequest;
import io.peregrine.proto.v1.HbsGrpc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GetHostLiveness(known_version)} on a manual clock: 0 answers every host; the answer's version passed back
 * answers only the hosts that heartbeated since, or whose maintenance window started or ended, or
 * {@code unchanged}; a configuration write (a host deleted, a window edited) answers every host again. Subclasses
 * pick the database.
 */
abstract class AbstractLivenessScenario {
  private final ManualClock clock = new ManualClock(HbsHarness.NOW);
  private TestDatabase db;
  private HbsHarness hbs;
  private HbsGrpc.HbsBlockingStub stub;

  abstract TestDatabase openDatabase() throws Exception;

  @BeforeEach
  void open() throws Exception {
    db = openDatabase();
    hbs = new HbsHarness(HbsHarness.config(db), clock);
    stub = HbsGrpc.newBlockingStub(io.peregrine.common.server.GrpcChannels.forAddress("127.0.0.1:"
        + hbs.server.grpcPort()));
  }

  @AfterEach
  void close() throws Exception {
    ((io.grpc.ManagedChannel) stub.getChannel()).shutdownNow();
    hbs.close();
    db.close();
  }

  private HostLiveness since(long version) {
    return stub.getHostLiveness(HostLivenessRequest.newBuilder().setKnownVersion(version).build());
  }

  private static java.util.List<String> names(HostLiveness l) {
    return l.getHostsList().stream().map(HostAlive::getHostname).toList();
  }

  @Test
  void aKnownVersionAnswersOnlyWhatChanged() throws Exception {
    hbs.heartbeat("web-01", "10.0.0.1");
    hbs.heartbeat("web-02", "10.0.0.2");
    hbs.create("/api/v1/hosts", "{\"hostname\":\"never-heartbeated\"}");
    HostLiveness all = since(0);
    assertThat(all.getFull()).isTrue();
    assertThat(names(all)).containsExactly("web-01", "web-02");
    assertThat(all.getVersion()).isPositive();

    clock.advance(java.time.Duration.ofSeconds(10));
    HostLiveness first = since(all.getVersion());
    assertThat(first.getFull()).isFalse();
    assertThat(names(first)).containsExactly("web-01", "web-02"); // heartbeats of the second the last answer began
    clock.advance(java.time.Duration.ofSeconds(10));
    HostLiveness quiet = since(first.getVersion());
    assertThat(quiet.getUnchanged()).isTrue();
    assertThat(quiet.getFull()).isFalse();
    assertThat(quiet.getHostsCount()).isZero();

    clock.advance(java.time.Duration.ofSeconds(10));
    hbs.heartbeat("web-01", "10.0.0.1"); // waits for its batch: the call writes it first
    HostLiveness one = since(quiet.getVersion());
    assertThat(names(one)).containsExactly("web-01");
    assertThat(one.getHosts(0).getLastHeartbeat()).isEqualTo(clock.seconds());
    assertThat(one.getUnchanged()).isFalse();
  }

  @Test
  void maintenanceStartAndEndComeAsChangesAndConfigWritesAnswerEveryHost() throws Exception {
    hbs.heartbeat("web-01", "10.0.0.1");
    hbs.heartbeat("web-02", "10.0.0.2");
    long now = clock.seconds();
    long id = hbs.get("/api/v1/hosts?hostnamePrefix=web-02").json().get(0).get("id").asLong();
    hbs.put("/api/v1/hosts/" + id + "/maintenance", "{\"begin\":" + (now + 100) + ",\"end\":" + (now + 200) + "}");
    HostLiveness v = since(0);
    clock.advance(java.time.Duration.ofSeconds(50));
    v = since(v.getVersion());
    clock.advance(java.time.Duration.ofSeconds(10));
    assertThat(since(v.getVersion()).getUnchanged()).isTrue();

    clock.setSeconds(now + 100);
    HostLiveness in = since(v.getVersion());
    assertThat(in.getFull()).isFalse();
    assertThat(in.getHostsList()).extracting(HostAlive::getHostname, HostAlive::getInMaintenance)
        .containsExactly(org.assertj.core.api.Assertions.tuple("web-02", true));
    clock.setSeconds(now + 150);
    HostLiveness during = since(in.getVersion());
    clock.setSeconds(now + 201);
    HostLiveness out = since(during.getVersion());
    assertThat(out.getHostsList()).extracting(HostAlive::getHostname, HostAlive::getInMaintenance)
        .containsExactly(org.assertj.core.api.Assertions.tuple("web-02", false));

    // a write of the configuration (here a host deleted) cannot be told as a change: every host again
    long web01 = hbs.get("/api/v1/hosts?hostnamePrefix=web-01").json().get(0).get("id").asLong();
    assertThat(hbs.delete("/api/v1/hosts/" + web01).status()).isEqualTo(200);
    HostLiveness after = since(out.getVersion());
    assertThat(after.getFull()).isTrue();
    assertThat(names(after)).containsExactly("web-02");
    // a version hbs did not give (from the future) answers every host too
    assertThat(since(Long.MAX_VALUE).getFull()).isTrue();
  }
}
