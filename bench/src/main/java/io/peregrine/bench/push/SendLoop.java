package io.peregrine.bench.push;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's sending thread: takes the pool's batches in turn (each connection starts at its own offset, so
 * together they spread over all series), keeps at most {@code window} requests in flight, paces them when a rate is
 * set, and once told to stop waits for the answers still outstanding before ending the connection.
 *
 * <p>A failed request pauses the connection for {@link #FAILURE_PAUSE}: against a target that is down, the generator
 * reports a steady trickle of errors instead of spinning a core on refused connections.
 */
final class SendLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(SendLoop.class);
  static final Duration FAILURE_PAUSE = Duration.ofMillis(100);
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final int id;
  private final PushConnection connection;
  private final BatchPool pool;
  private final Pacer pacer;
  private final int window;
  private final Semaphore permits;
  private final BooleanSupplier stopped;
  private final Duration drainTimeout;
  private volatile long pausedUntil;
  private int next;

  SendLoop(int id, int connections, PushConnection connection, BatchPool pool, Pacer pacer, int window,
      BooleanSupplier stopped, Duration drainTimeout) {
    this.id = id;
    this.connection = connection;
    this.pool = pool;
    this.pacer = pacer;
    this.window = window;
    this.permits = new Semaphore(window);
    this.stopped = stopped;
    this.drainTimeout = drainTimeout;
    this.next = (int) ((long) id * pool.size() / connections);
    this.pausedUntil = System.nanoTime();
  }

  @Override
  public void run() {
    try {
      while (!stopped.getAsBoolean()) {
        if (pausedUntil - System.nanoTime() > 0) {
          LockSupport.parkNanos(Math.min(pausedUntil - System.nanoTime(), POLL_NANOS));
          continue;
        }
        if (!permits.tryAcquire(POLL_NANOS, TimeUnit.NANOSECONDS)) {
          continue;
        }
        int index = next;
        if (!pacer.await(pool.samples(index), stopped)) {
          permits.release();
          break;
        }
        next = index + 1 == pool.size() ? 0 : index + 1;
        connection.send(index, this::completed);
      }
      if (!permits.tryAcquire(window, drainTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
        log.warn("bench push: connection {}: {} requests still unanswered after {} ms; giving up on them", id,
            window - permits.availablePermits(), drainTimeout.toMillis());
        return;
      }
      connection.finish();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("bench push: connection {} stopped sending", id, e);
    }
  }

  private void completed(boolean ok) {
    if (!ok) {
      pausedUntil = System.nanoTime() + FAILURE_PAUSE.toNanos();
    }
    permits.release();
  }
}
