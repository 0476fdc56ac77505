package io.peregrine.agent.ship;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.peregrine.proto.v1.PushResponse;
import io.grpc.CallOptions;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One long-lived {@code Transfer.PushStream} to one transfer address. A group of up to {@link #MAX_IN_FLIGHT}
 * batches is written at once (each when the stream says it is ready: gRPC flow control) and their answers are read
 * back in order (transfer takes a stream's batches one after another and answers each once), so the batches of a
 * group travel back to back instead of one round trip each, and what was acknowledged is still known exactly,
 * batch by batch. Saves a call's set-up and headers per batch.
 *
 * <p>Any failure ends the stream; the batches answered before it are reported with the failure (UNIMPLEMENTED: this
 * transfer has no PushStream; DEADLINE_EXCEEDED: no answer or no readiness within the timeout, the stream is
 * cancelled), and the rest count as not acknowledged. The next group opens a new stream. Used by the shipper's one
 * thread.
 */
final class TransferStream implements AutoCloseable {
  /** Batches written before the first answer is awaited. */
  static final int MAX_IN_FLIGHT = 4;

  /** The answers to a group's first batches, in order, and what ended the stream before the rest (or null). */
  record Result(List<PushResponse> answered, StatusRuntimeException failure) {}

  private final ManagedChannel channel;
  private final Duration timeout;
  private Call call;

  TransferStream(ManagedChannel channel, Duration timeout) {
    this.channel = channel;
    this.timeout = timeout;
  }

  /** One stream: its request side, and what came back, in order. */
  private static final class Call implements ClientResponseObserver<WireSamples, PushResponse> {
    /** At most MAX_IN_FLIGHT batches are unanswered: their answers and the end of the stream fit. */
    final LinkedBlockingQueue<Object> answers = new LinkedBlockingQueue<>(MAX_IN_FLIGHT + 1);
    volatile ClientCallStreamObserver<WireSamples> requests;
    volatile boolean ended;

    @Override
    public void beforeStart(ClientCallStreamObserver<WireSamples> requestStream) {
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
      answers.offer(t); // when full, the waiting answers are taken first and the stream is already ended
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
   * Writes the batches (at most {@link #MAX_IN_FLIGHT}) one after another, then reads their answers in order, all
   * within the timeout.
   *
   * @return every answer, or the answers to a prefix and the failure that ended the stream (the rest were not
   *     acknowledged)
   */
  Result pushAll(List<WireSamples> batches) {
    if (batches.size() > MAX_IN_FLIGHT) {
      throw new IllegalArgumentException("at most " + MAX_IN_FLIGHT + " batches in flight, got " + batches.size());
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Call c = call;
    if (c == null || c.ended) {
      c = new Call();
      ClientCalls.asyncBidiStreamingCall(channel.newCall(WireMethods.PUSH_STREAM, CallOptions.DEFAULT), c);
      call = c;
    }
    List<PushResponse> answered = new ArrayList<>(batches.size());
    try {
      for (WireSamples batch : batches) {
        if (!c.awaitReady(deadline)) {
          return new Result(answered, fail(c, Status.DEADLINE_EXCEEDED.withDescription("stream not ready within "
              + timeout.toMillis() + " ms")));
        }
        if (c.ended) {
          break; // its answers so far and the failure are waiting in the queue
        }
        c.requests.onNext(batch);
      }
      while (answered.size() < batches.size()) {
        Object answer = c.answers.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (answer == null) {
          return new Result(answered, fail(c, Status.DEADLINE_EXCEEDED.withDescription("no answer within "
              + timeout.toMillis() + " ms")));
        }
        if (answer instanceof PushResponse r) {
          answered.add(r);
          continue;
        }
        call = null;
        Throwable t = (Throwable) answer;
        return new Result(answered, t instanceof StatusRuntimeException s ? s
            : Status.fromThrowable(t).asRuntimeException());
      }
      return new Result(answered, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(answered, fail(c, Status.CANCELLED.withDescription("interrupted")));
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
