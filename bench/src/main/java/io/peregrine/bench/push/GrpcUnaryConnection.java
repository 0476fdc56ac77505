package io.peregrine.bench.push;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.peregrine.common.server.RawBytesMarshaller;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.TransferGrpc;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code Transfer.Push}: one asynchronous unary call per batch on this connection's own channel, its message the
 * batch's encoding made before the run ({@link BatchPool#wire}).
 */
final class GrpcUnaryConnection implements PushConnection {
  private final int id;
  private final BatchPool pool;
  private final PushCounters counters;
  private final long timeoutNanos;
  /** Transfer.Push sending the pool's encoded batches as they are (no serialisation per call). */
  private static final MethodDescriptor<byte[], PushResponse> PUSH = TransferGrpc.getPushMethod()
      .toBuilder(RawBytesMarshaller.INSTANCE, ProtoUtils.marshaller(PushResponse.getDefaultInstance())).build();

  private final ManagedChannel channel;
  private final AtomicBoolean closed = new AtomicBoolean();

  GrpcUnaryConnection(int id, String target, BatchPool pool, PushCounters counters, Duration timeout,
      TlsMaterial tls) {
    this.id = id;
    this.pool = pool;
    this.counters = counters;
    this.timeoutNanos = timeout.toNanos();
    this.channel = BenchChannels.open(target, tls);
  }

  @Override
  public void send(int index, Completion completion) {
    int samples = pool.samples(index);
    long start = counters.sent(samples);
    ClientCall<byte[], PushResponse> call =
        channel.newCall(PUSH, CallOptions.DEFAULT.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS));
    ClientCalls.asyncUnaryCall(call, pool.wire(index), new StreamObserver<>() {
      private boolean answered;

      @Override
      public void onNext(PushResponse response) {
        answered = true;
        GrpcAnswers.count(counters, id, start, response);
      }

      @Override
      public void onError(Throwable t) {
        GrpcAnswers.failed(counters, start, samples, Status.fromThrowable(t));
        completion.done(false);
      }

      @Override
      public void onCompleted() {
        if (!answered) {
          counters.failed(start, samples, "NO_RESPONSE", "the call completed without a PushResponse");
        }
        completion.done(answered);
      }
    });
  }

  @Override
  public void close() {
    if (!closed.getAndSet(true)) {
      BenchChannels.close(channel);
    }
  }
}
