package io.peregrine.bench.push;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.TransferGrpc;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A stand-in Transfer service on 127.0.0.1, port 0: counts what arrives and refuses the first sample of every batch
 * (BAD_VALUE, with a reason), so tests can check the generator's counts and reject reporting against the server's.
 * Counts only the batches it answered.
 */
public final class TestTransfer extends TransferGrpc.TransferImplBase implements AutoCloseable {
  public static final String REASON = "test: the first sample of every batch is refused";

  private final LongAdder batches = new LongAdder();
  private final LongAdder samples = new LongAdder();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final GrpcServerHost host = new GrpcServerHost("test-transfer", "127.0.0.1:0", 4, List.of(this));
  private final int failStreamAfter;

  private TestTransfer(int failStreamAfter) {
    this.failStreamAfter = failStreamAfter;
  }

  public static TestTransfer start() throws Exception {
    return start(0);
  }

  /** A transfer whose streams fail with UNAVAILABLE instead of answering their batch number {@code n + 1}. */
  public static TestTransfer start(int failStreamAfter) throws Exception {
    TestTransfer t = new TestTransfer(failStreamAfter);
    t.host.start();
    return t;
  }

  public String target() {
    return "127.0.0.1:" + host.port();
  }

  @Override
  public void push(SampleBatch batch, StreamObserver<PushResponse> response) {
    response.onNext(answer(batch));
    response.onCompleted();
  }

  @Override
  public StreamObserver<SampleBatch> pushStream(StreamObserver<PushResponse> response) {
    return new StreamObserver<>() {
      private int answered;
      private boolean failed;

      @Override
      public void onNext(SampleBatch batch) {
        if (failed) {
          return;
        }
        if (failStreamAfter > 0 && answered == failStreamAfter) {
          failed = true;
          response.onError(Status.UNAVAILABLE.withDescription("test: stream failed on purpose").asRuntimeException());
          return;
        }
        answered++;
        response.onNext(answer(batch));
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        if (!failed) {
          response.onCompleted();
        }
      }
    };
  }

  /** Counts an answered batch and builds its answer. */
  private PushResponse answer(SampleBatch batch) {
    int n = batch.getSamplesCount();
    batches.increment();
    samples.add(n);
    accepted.add(n - 1);
    rejected.increment();
    return PushResponse.newBuilder().setAccepted(n - 1).setRejected(1)
        .addRejects(Reject.newBuilder().setIndex(0).setCode(RejectCode.BAD_VALUE).setReason(REASON)).build();
  }

  public long batches() {
    return batches.sum();
  }

  public long samples() {
    return samples.sum();
  }

  public long accepted() {
    return accepted.sum();
  }

  public long rejected() {
    return rejected.sum();
  }

  @Override
  public void close() {
    host.close();
  }
}
