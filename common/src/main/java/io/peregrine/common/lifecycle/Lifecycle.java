package io.peregrine.common.lifecycle;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts components in the order they were added and closes the started ones in reverse, logging one line per
 * event. The order is the dependency order: a component is added after everything it sends to, so on shutdown it
 * stops (and flushes) before its destinations do.
 */
public final class Lifecycle implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

  private final String owner;
  private final List<Component> components = new ArrayList<>();
  private final Deque<Component> started = new ArrayDeque<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object lock = new Object();

  public Lifecycle(String owner) {
    this.owner = owner;
  }

  public <C extends Component> C add(C component) {
    synchronized (lock) {
      components.add(component);
    }
    return component;
  }

  /**
   * Starts one component now and registers it for the reverse-order close; for wiring where a later component
   * needs what an earlier one bound (a port chosen at start). When it fails, closes what already started, the failed
   * component included (it may hold a pool or a port it got before failing; close() is safe on it), and rethrows.
   *
   * @throws IllegalStateException when this lifecycle was closed before or while the component started
   */
  public <C extends Component> C start(C component) throws Exception {
    if (closed.get()) {
      throw new IllegalStateException(owner + ": closed, not starting " + component.name());
    }
    long t0 = System.nanoTime();
    try {
      component.start();
    } catch (Exception | Error e) {
      log.error("{}: {} failed to start: {}", owner, component.name(), e.toString(), e);
      if (!register(component)) {
        closeQuietly(component);
      }
      close();
      throw e;
    }
    if (!register(component)) {
      // close() ran while this one was starting (a shutdown hook during startup) and could not see it
      closeQuietly(component);
      throw new IllegalStateException(owner + ": closed while " + component.name() + " was starting");
    }
    log.info("{}: started {} in {} ms", owner, component.name(), (System.nanoTime() - t0) / 1_000_000);
    return component;
  }

  /** Starts everything added so far, in order; when one fails, closes what already started and rethrows. */
  public void start() throws Exception {
    long begin = System.nanoTime();
    List<Component> toStart;
    synchronized (lock) {
      toStart = List.copyOf(components);
    }
    for (Component c : toStart) {
      start(c);
    }
    log.info("{}: all {} components started in {} ms", owner, toStart.size(), (System.nanoTime() - begin) / 1_000_000);
  }

  /** Adds a started component to the close list, unless close() already ran (checked under the lock it drains by). */
  private boolean register(Component c) {
    synchronized (lock) {
      if (closed.get()) {
        return false;
      }
      started.push(c);
      return true;
    }
  }

  private void closeQuietly(Component c) {
    try {
      c.close();
      log.info("{}: stopped {}", owner, c.name());
    } catch (RuntimeException e) {
      log.warn("{}: {} failed to stop cleanly", owner, c.name(), e);
    }
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    log.info("{}: stopping", owner);
    while (true) {
      Component c;
      synchronized (lock) {
        c = started.poll();
      }
      if (c == null) {
        break;
      }
      long t0 = System.nanoTime();
      try {
        c.close();
        log.info("{}: stopped {} in {} ms", owner, c.name(), (System.nanoTime() - t0) / 1_000_000);
      } catch (RuntimeException e) {
        log.warn("{}: {} failed to stop cleanly", owner, c.name(), e);
      }
    }
    log.info("{}: stopped", owner);
  }
}
