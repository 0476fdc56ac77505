package io.peregrine.common.server;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every call's handler code on a bounded pool, never on the Netty event loop, and answers
 * {@code RESOURCE_EXHAUSTED} when that pool's queue is full. The server runs with a direct executor, so this
 * interceptor itself runs on the event loop: it only decides and hands over. Each call gets a sequential executor
 * over the pool (its callbacks run one at a time, in order, as gRPC requires); when the pool refuses a callback,
 * nothing of that call is running, so the call can be closed right there.
 *
 * <p>A unary call is handed over once, not once per callback: its handler does nothing before the half-close (gRPC's
 * unary listener only keeps the message until then), so the interceptor requests the message itself, keeps it and
 * the ready signal on the event loop, and at the half-close runs {@code startCall}, the message, the ready signal and
 * the half-close as one task on the pool. A unary call cancelled before its half-close never starts (the method would
 * not have run either). The call's completion is handed over as before.
 */
final class OffloadingInterceptor implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(OffloadingInterceptor.class);

  private final String name;
  private final ThreadPoolExecutor pool;
  private final ThrottledLog throttled = new ThrottledLog(log, Duration.ofSeconds(30));

  OffloadingInterceptor(String name, ThreadPoolExecutor pool) {
    this.name = name;
    this.pool = pool;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    Offloaded<Q, A> listener = new Offloaded<>(call, MoreExecutors.newSequentialExecutor(pool));
    if (call.getMethodDescriptor().getType() == MethodDescriptor.MethodType.UNARY) {
      listener.deferStart(next, headers);
      call.request(2); // what the unary handler asks for at its start: one message, and one more to refuse a second
    } else {
      listener.run(() -> listener.delegate = next.startCall(call, headers));
    }
    return listener;
  }

  private final class Offloaded<Q, A> extends ForwardingServerCallListener<Q> {
    private final ServerCall<Q, A> call;
    private final Executor serial;
    private volatile ServerCall.Listener<Q> delegate = new ServerCall.Listener<>() {};
    private volatile boolean refused;
    // unary, before the half-close (touched only by the event loop's callbacks, which gRPC serialises)
    private ServerCallHandler<Q, A> pendingNext;
    private Metadata pendingHeaders;
    private List<Q> pendingMessages;
    private boolean pendingReady;

    Offloaded(ServerCall<Q, A> call, Executor serial) {
      this.call = call;
      this.serial = serial;
    }

    @Override
    protected ServerCall.Listener<Q> delegate() {
      return delegate;
    }

    void run(Runnable task) {
      if (refused) {
        return;
      }
      try {
        serial.execute(task);
      } catch (RejectedExecutionException e) {
        refused = true;
        throttled.warn("{}: every worker busy and {} calls queued; answering RESOURCE_EXHAUSTED", name,
            pool.getQueue().size());
        try {
          call.close(Status.RESOURCE_EXHAUSTED.withDescription(name + " is overloaded (all " + pool.getMaximumPoolSize()
              + " workers busy, queue full): retry later"), new Metadata());
        } catch (IllegalStateException alreadyClosed) {
          // the handler finished the call before this callback; nothing to answer
        }
      }
    }

    void deferStart(ServerCallHandler<Q, A> next, Metadata headers) {
      pendingNext = next;
      pendingHeaders = headers;
    }

    @Override
    public void onMessage(Q message) {
      if (pendingNext != null) {
        if (pendingMessages == null) {
          pendingMessages = new ArrayList<>(1);
        }
        pendingMessages.add(message);
        return;
      }
      run(() -> delegate.onMessage(message));
    }

    @Override
    public void onHalfClose() {
      if (pendingNext != null) {
        ServerCallHandler<Q, A> next = pendingNext;
        Metadata headers = pendingHeaders;
        List<Q> messages = pendingMessages;
        boolean ready = pendingReady;
        pendingNext = null;
        pendingHeaders = null;
        pendingMessages = null;
        run(() -> {
          ServerCall.Listener<Q> d = next.startCall(call, headers);
          delegate = d;
          if (messages != null) {
            for (Q m : messages) {
              d.onMessage(m);
            }
          }
          if (ready) {
            d.onReady();
          }
          d.onHalfClose();
        });
        return;
      }
      run(() -> delegate.onHalfClose());
    }

    @Override
    public void onCancel() {
      if (pendingNext != null) {
        pendingNext = null; // a unary call cancelled before its half-close: its method would never have run
        pendingHeaders = null;
        pendingMessages = null;
        return;
      }
      run(() -> delegate.onCancel());
    }

    @Override
    public void onComplete() {
      run(() -> delegate.onComplete());
    }

    @Override
    public void onReady() {
      if (pendingNext != null) {
        pendingReady = true;
        return;
      }
      run(() -> delegate.onReady());
    }
  }
}
