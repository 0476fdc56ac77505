package io.peregrine.judge.testing;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.peregrine.proto.v1.HbsGrpc;
import io.peregrine.proto.v1.HostLiveness;
import io.peregrine.proto.v1.HostLivenessRequest;
import io.peregrine.proto.v1.StrategiesRequest;
import io.peregrine.proto.v1.StrategySet;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A real gRPC Hbs on 127.0.0.1:0 serving a settable strategy set, answering "unchanged" for a known version. */
public final class FakeHbs extends HbsGrpc.HbsImplBase implements AutoCloseable {
  private final AtomicReference<StrategySet> set;
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger unchangedAnswers = new AtomicInteger();
  private volatile boolean failing;
  private final AtomicReference<HostLiveness> liveness = new AtomicReference<>(HostLiveness.getDefaultInstance());
  private final Server server;

  public FakeHbs(StrategySet initial) throws IOException {
    this(initial, 0);
  }

  public FakeHbs(StrategySet initial, int port) throws IOException {
    this.set = new AtomicReference<>(initial);
    this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port)).addService(this).build()
        .start();
  }

  @Override
  public void getStrategies(StrategiesRequest request, StreamObserver<StrategySet> response) {
    calls.incrementAndGet();
    if (failing) {
      response.onError(Status.UNAVAILABLE.withDescription("fake hbs told to fail").asRuntimeException());
      return;
    }
    StrategySet current = set.get();
    if (request.getKnownVersion() == current.getVersion()) {
      unchangedAnswers.incrementAndGet();
      response.onNext(StrategySet.newBuilder().setVersion(current.getVersion()).setUnchanged(true).build());
    } else {
      response.onNext(current);
    }
    response.onCompleted();
  }

  @Override
  public void getHostLiveness(HostLivenessRequest request, StreamObserver<HostLiveness> response) {
    response.onNext(liveness.get());
    response.onCompleted();
  }

  public void liveness(HostLiveness next) {
    liveness.set(next);
  }

  public String address() {
    return "127.0.0.1:" + server.getPort();
  }

  public void set(StrategySet next) {
    set.set(next);
  }

  public void failing(boolean fail) {
    failing = fail;
  }

  public int calls() {
    return calls.get();
  }

  public int unchangedAnswers() {
    return unchangedAnswers.get();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
