package io.peregrine.bench.push;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.TransferGrpc;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Transfer.PushStream}: one long-lived bidi stream on this connection's own channel. Transfer answers each
 * batch with one {@link PushResponse}, in order, so the answer to the oldest batch in flight is the next response.
 * The {@link SendLoop}'s window bounds the batches in flight (and so this queue): the generator never runs ahead of
 * what transfer has answered by more than the window. A stream that fails fails its batches in flight; the next
 * send opens a new stream.
 */
final class GrpcStreamConnection implements PushConnection {
  private static final Logger log = LoggerFactory.getLogger(GrpcStreamConnection.class);
  private static final long FINISH_TIMEOUT_SECONDS = 5;

  private final int id;
  private final BatchPool pool;
  private final PushCounters counters;
  private final ManagedChannel channel;
  private final TransferGrpc.TransferStub stub;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Only the sending thread replaces it. */
  private Stream current;

  GrpcStreamConnection(int id, String target, BatchPool pool, PushCounters counters, TlsMaterial tls) {
    this.id = id;
    this.pool = pool;
    this.counters = counters;
    this.channel = BenchChannels.open(target, tls);
    this.stub = TransferGrpc.newStub(channel);
  }

  @Override
  public void send(int index, Completion completion) {
    if (current == null || current.closedWith != null) {
      current = new Stream();
    }
    current.send(index, completion);
  }

  @Override
  public void finish() {
    if (current != null && current.closedWith == null) {
      current.finish();
    }
  }

  @Override
  public void close() {
    if (!closed.getAndSet(true)) {
      BenchChannels.close(channel);
    }
  }

  private record InFlight(long startNanos, int samples, Completion completion) {}

  /** One stream's calls; callbacks arrive on the channel's event loop. */
  private final class Stream implements ClientResponseObserver<SampleBatch, PushResponse> {
    /** At most --window entries: the connection takes a window permit before each send. */
    private final Queue<InFlight> inFlight = new ArrayBlockingQueue<>(PushConfig.MAX_WINDOW);
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile ClientCallStreamObserver<SampleBatch> requests;
    /** Set once the stream is over (error or the server completed); its in-flight batches are failed with it. */
    private volatile Status closedWith;

    Stream() {
      stub.pushStream(this);
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<SampleBatch> requestStream) {
      this.requests = requestStream;
    }

    void send(int index, Completion completion) {
      int samples = pool.samples(index);
      // queued before it leaves, so that its answer always finds it
      if (!inFlight.offer(new InFlight(counters.sent(samples), samples, completion))) {
        throw new IllegalStateException("more than " + PushConfig.MAX_WINDOW + " batches in flight on one stream");
      }
      try {
        requests.onNext(pool.batch(index));
      } catch (RuntimeException e) {
        end(Status.fromThrowable(e).withDescription("sending on the stream failed: " + e));
      }
      if (closedWith != null) {
        failInFlight(closedWith); // the stream ended between the check in the caller and the add above
      }
    }

    void finish() {
      try {
        requests.onCompleted();
        if (!ended.await(FINISH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          log.warn("bench push: connection {}: stream not closed by the target within {} s; cancelling it", id,
              FINISH_TIMEOUT_SECONDS);
          requests.cancel("bench finished", null);
        }
      } catch (InterruptedException e) {
        requests.cancel("bench interrupted", null);
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        log.debug("bench push: connection {}: closing the stream failed", id, e);
      }
    }

    @Override
    public void onNext(PushResponse response) {
      InFlight f = inFlight.poll();
      if (f == null) {
        log.warn("bench push: connection {}: a PushResponse arrived with no batch in flight; ignored", id);
        return;
      }
      GrpcAnswers.count(counters, id, f.startNanos(), response);
      f.completion().done(true);
    }

    @Override
    public void onError(Throwable t) {
      end(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      end(Status.UNAVAILABLE.withDescription("the target closed the stream with batches unanswered"));
    }

    private void end(Status status) {
      closedWith = status;
      failInFlight(status);
      ended.countDown();
    }

    private void failInFlight(Status status) {
      for (InFlight f = inFlight.poll(); f != null; f = inFlight.poll()) {
        GrpcAnswers.failed(counters, f.startNanos(), f.samples(), status);
        f.completion().done(false);
      }
    }
  }
}
