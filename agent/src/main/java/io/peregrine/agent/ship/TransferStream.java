package io.peregrine.agent.ship;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.TransferGrpc;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One long-lived {@code Transfer.PushStream} to one transfer address, used like a unary call: one batch in flight,
 * its answer awaited (transfer answers each batch once, in order), so what was acknowledged is known exactly as with
 * {@code Push}. Saves a call's set-up and headers per batch. Flow control: a batch is written only when the stream
 * says it is ready ({@code isReady}, signalled by its on-ready handler), waiting for that within the call's deadline.
 *
 * <p>Any failure ends the stream and is thrown as the gRPC status (UNIMPLEMENTED: this transfer has no PushStream;
 * DEADLINE_EXCEEDED: no answer or no readiness in time, the stream is cancelled, and the batch counts as not
 * acknowledged); the next batch opens a new stream. Used by the shipper's one thread.
 */
final class TransferStream implements AutoCloseable {
  private final TransferGrpc.TransferStub stub;
  private final Duration timeout;
  private Call call;

  TransferStream(ManagedChannel channel, Duration timeout) {
    this.stub = TransferGrpc.newStub(channel);
    this.timeout = timeout;
  }

  /** One stream: its request side, and what came back, in order. */
  private static final class Call implements ClientResponseObserver<SampleBatch, PushResponse> {
    /** One batch is in flight, so one answer and the end of the stream are all that can be waiting. */
    final LinkedBlockingQueue<Object> answers = new LinkedBlockingQueue<>(2);
    volatile ClientCallStreamObserver<SampleBatch> requests;
    volatile boolean ended;

    @Override
    public void beforeStart(ClientCallStreamObserver<SampleBatch> requestStream) {
      requests = requestStream;
      requestStream.setOnReadyHandler(this::wake);
    }

    @Override
    public void onNext(PushResponse response) {
      if (!answers.offer(response)) { // more answers than batches sent: the stream cannot be trusted
        ended = true;
        requests.cancel("transfer answered a batch that was not sent", null);
        wake();
      }
    }

    @Override
    public void onError(Throwable t) {
      ended = true;
      answers.offer(t); // when full, the waiting answer is taken first and the stream is already ended
      wake();
    }

    @Override
    public void onCompleted() {
      ended = true;
      answers.offer(Status.UNAVAILABLE.withDescription("transfer ended the stream").asRuntimeException());
      wake();
    }

    private synchronized void wake() {
      notifyAll();
    }

    /** Waits until the stream can take a message or has ended; false when the deadline passed first. */
    synchronized boolean awaitReady(long deadlineNanos) throws InterruptedException {
      while (!ended && !requests.isReady()) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return true;
    }
  }

  /**
   * Sends one batch and waits for its answer.
   *
   * @throws StatusRuntimeException the stream failed (it is closed; the batch was not acknowledged)
   */
  PushResponse push(SampleBatch batch) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Call c = call;
    if (c == null || c.ended) {
      c = new Call();
      stub.pushStream(c);
      call = c;
    }
    try {
      if (!c.awaitReady(deadline)) {
        throw fail(c, Status.DEADLINE_EXCEEDED.withDescription("stream not ready within " + timeout.toMillis()
            + " ms"));
      }
      if (!c.ended) {
        c.requests.onNext(batch);
      }
      Object answer = c.answers.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (answer == null) {
        throw fail(c, Status.DEADLINE_EXCEEDED.withDescription("no answer within " + timeout.toMillis() + " ms"));
      }
      if (answer instanceof PushResponse r) {
        return r;
      }
      call = null;
      Throwable t = (Throwable) answer;
      throw t instanceof StatusRuntimeException s ? s : Status.fromThrowable(t).asRuntimeException();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail(c, Status.CANCELLED.withDescription("interrupted"));
    }
  }

  private StatusRuntimeException fail(Call c, Status status) {
    call = null;
    if (!c.ended) {
      c.requests.cancel(status.getDescription(), null);
    }
    return status.asRuntimeException();
  }

  /** Ends the open stream, if any (every batch on it was answered or given up). */
  @Override
  public void close() {
    Call c = call;
    call = null;
    if (c != null && !c.ended) {
      c.requests.onCompleted();
    }
  }
}
