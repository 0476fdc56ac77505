package io.peregrine.agent.testing;

import io.grpc.stub.StreamObserver;
import io.peregrine.common.server.GrpcServerHost;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.TransferGrpc;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A Transfer stub that records every sample it takes; a rule may refuse some of them. Unary Push only (PushStream
 * answers UNIMPLEMENTED, as an older transfer would) unless {@link #streaming()} turns streams on.
 */
public final class RecordingTransfer extends TransferGrpc.TransferImplBase {
  public final ConcurrentLinkedQueue<Sample> received = new ConcurrentLinkedQueue<>();
  public final AtomicInteger calls = new AtomicInteger();
  /** Batches that came over PushStream (counted in calls too), and streams opened. */
  public final AtomicInteger streamBatches = new AtomicInteger();
  public final AtomicInteger streamsOpened = new AtomicInteger();
  private volatile Function<Sample, RejectCode> rule = s -> null;
  private volatile boolean streaming;

  /** Serves PushStream too: one answer per batch, in order. */
  public RecordingTransfer streaming() {
    this.streaming = true;
    return this;
  }

  @Override
  public StreamObserver<SampleBatch> pushStream(StreamObserver<PushResponse> response) {
    if (!streaming) {
      return super.pushStream(response);
    }
    streamsOpened.incrementAndGet();
    return new StreamObserver<>() {
      @Override
      public void onNext(SampleBatch batch) {
        streamBatches.incrementAndGet();
        response.onNext(answer(batch));
      }

      @Override
      public void onError(Throwable t) {
        // the agent went away
      }

      @Override
      public void onCompleted() {
        response.onCompleted();
      }
    };
  }

  /** Samples for which the rule returns a code are refused with it (and not recorded). */
  public RecordingTransfer refusing(Function<Sample, RejectCode> rule) {
    this.rule = rule;
    return this;
  }

  @Override
  public void push(SampleBatch batch, StreamObserver<PushResponse> response) {
    response.onNext(answer(batch));
    response.onCompleted();
  }

  private PushResponse answer(SampleBatch batch) {
    calls.incrementAndGet();
    PushResponse.Builder out = PushResponse.newBuilder();
    for (int i = 0; i < batch.getSamplesCount(); i++) {
      Sample s = batch.getSamples(i);
      RejectCode code = rule.apply(s);
      if (code == null) {
        received.add(s);
      } else {
        out.addRejects(Reject.newBuilder().setIndex(i).setCode(code).setReason("refused by the test"));
      }
    }
    return out.setAccepted(batch.getSamplesCount() - out.getRejectsCount()).setRejected(out.getRejectsCount())
        .build();
  }

  /** Serves this stub on 127.0.0.1 at {@code port} (0 = any free port). */
  public GrpcServerHost serve(int port) throws Exception {
    GrpcServerHost host = new GrpcServerHost("test-transfer", "127.0.0.1:" + port, 2, List.of(this));
    host.start();
    return host;
  }
}
