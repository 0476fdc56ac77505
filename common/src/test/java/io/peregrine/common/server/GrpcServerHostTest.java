package io.peregrine.common.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.TransferGrpc;
import io.peregrine.common.testing.TestSamples;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GrpcServerHostTest {
  private GrpcServerHost host;
  private ManagedChannel channel;

  /** Answers every push with the batch size as "accepted", to prove the host serves the services it is given. */
  private static final class CountingTransfer extends TransferGrpc.TransferImplBase {
    @Override
    public void push(SampleBatch request, StreamObserver<PushResponse> response) {
      response.onNext(PushResponse.newBuilder().setAccepted(request.getSamplesCount()).build());
      response.onCompleted();
    }
  }

  @AfterEach
  void cleanUp() {
    if (channel != null) {
      GrpcChannels.close(channel);
    }
    if (host != null) {
      host.close();
    }
  }

  private GrpcServerHost started() throws Exception {
    host = new GrpcServerHost("demo-grpc", "127.0.0.1:0", 2, List.of(new CountingTransfer()));
    host.start();
    channel = GrpcChannels.forAddress("127.0.0.1:" + host.port());
    return host;
  }

  private HealthGrpc.HealthBlockingStub health() {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  @Test
  void bindsAFreePortWhenAskedForPortZero() throws Exception {
    started();
    assertThat(host.port()).isPositive();
    assertThat(host.address().port()).isEqualTo(host.port());
    assertThat(host.serving()).isTrue();
  }

  @Test
  void servesTheStandardHealthServiceAsServing() throws Exception {
    started();
    assertThat(health().check(HealthCheckRequest.newBuilder().setService("").build()).getStatus())
        .isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void healthOfAnUnknownServiceIsNotFound() throws Exception {
    started();
    assertThatThrownBy(() -> health().check(HealthCheckRequest.newBuilder().setService("nope.Nothing").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void servesTheServicesItWasGiven() throws Exception {
    started();
    SampleBatch batch = SampleBatch.newBuilder()
        .addSamples(TestSamples.gauge("h", "m", "", 1, 1)).addSamples(TestSamples.gauge("h", "m2", "", 2, 1)).build();
    PushResponse r = TransferGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS).push(batch);
    assertThat(r.getAccepted()).isEqualTo(2);
  }

  @Test
  void closeIsIdempotentAndStopsServing() throws Exception {
    started();
    host.close();
    host.close();
    assertThat(host.serving()).isFalse();
    assertThatThrownBy(() -> health().check(HealthCheckRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void closeBeforeStartIsSafe() {
    GrpcServerHost never = new GrpcServerHost("never", "127.0.0.1:0", 1, List.of());
    assertThatCode(never::close).doesNotThrowAnyException();
    assertThatCode(never::close).doesNotThrowAnyException();
    assertThat(never.serving()).isFalse();
  }

  @Test
  void failsToStartOnAPortInUseAndCanStillBeClosed() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      GrpcServerHost clash = new GrpcServerHost("clash", "127.0.0.1:" + taken.getLocalPort(), 1, List.of());
      assertThatThrownBy(clash::start).isInstanceOf(java.io.IOException.class);
      assertThatCode(clash::close).doesNotThrowAnyException();
      assertThat(clash.serving()).isFalse();
    }
  }

  @Test
  void refusesAMalformedListenAddressNamingTheComponent() {
    GrpcServerHost bad = new GrpcServerHost("judge-grpc", "nowhere", 1, List.of());
    assertThatThrownBy(bad::start).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("judge-grpc.listen").hasMessageContaining("'nowhere'");
  }

  @Test
  void aSaturatedPoolAnswersResourceExhaustedAndHandlersNeverRunOnTheEventLoop() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.Set<String> handlerThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    host = new GrpcServerHost("busy-grpc", "127.0.0.1:0", 1, List.of(new TransferGrpc.TransferImplBase() {
      @Override
      public void push(SampleBatch request, StreamObserver<PushResponse> response) {
        handlerThreads.add(Thread.currentThread().getName());
        try {
          release.await(20, TimeUnit.SECONDS); // a handler stuck on something slow
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        response.onNext(PushResponse.getDefaultInstance());
        response.onCompleted();
      }
    }));
    host.start();
    channel = GrpcChannels.forAddress("127.0.0.1:" + host.port());
    TransferGrpc.TransferStub stub = TransferGrpc.newStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    java.util.List<Status.Code> codes = new java.util.concurrent.CopyOnWriteArrayList<>();
    // 1 worker, 64 queued: of 200 calls most must be refused, none may run on the event loop
    for (int i = 0; i < 200; i++) {
      stub.push(SampleBatch.getDefaultInstance(), new StreamObserver<>() {
        @Override
        public void onNext(PushResponse value) {}

        @Override
        public void onError(Throwable t) {
          codes.add(Status.fromThrowable(t).getCode());
        }

        @Override
        public void onCompleted() {
          codes.add(Status.Code.OK);
        }
      });
    }
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
        .until(() -> codes.stream().filter(c -> c == Status.Code.RESOURCE_EXHAUSTED).count() >= 100);
    release.countDown();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> codes.size() == 200);
    assertThat(codes).containsOnly(Status.Code.OK, Status.Code.RESOURCE_EXHAUSTED);
    assertThat(handlerThreads).allMatch(n -> n.startsWith("busy-grpc-"));
  }
}
