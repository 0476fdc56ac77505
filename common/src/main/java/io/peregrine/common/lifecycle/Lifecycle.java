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
   * needs what an earlier one bound (a port chosen at start). When it fails, closes what already started.
   */
  public <C extends Component> C start(C component) throws Exception {
    long t0 = System.nanoTime();
    try {
      component.start();
    } catch (Exception | Error e) {
      log.error("{}: {} failed to start: {}", owner, component.name(), e.toString(), e);
      close();
      throw e;
    }
    synchronized (lock) {
      started.push(component);
    }
    log.info("{}: started {} in {} ms", owner, component.name(), (System.nanoTime() - t0) / 1_000_000);
    return component;
  }

  /** Starts everything added so far; when one fails, closes what already started and rethrows. */
  public void start() throws Exception {
    long begin = System.nanoTime();
    List<Component> toStart;
    synchronized (lock) {
      toStart = List.copyOf(components);
    }
    for (Component c : toStart) {
      long t0 = System.nanoTime();
      try {
        c.start();
      } catch (Exception | Error e) {
        log.error("{}: {} failed to start: {}", owner, c.name(), e.toString(), e);
        close();
        throw e;
      }
      synchronized (lock) {
        started.push(c);
      }
      log.info("{}: started {} in {} ms", owner, c.name(), (System.nanoTime() - t0) / 1_000_000);
    }
    log.info("{}: all {} components started in {} ms", owner, toStart.size(), (System.nanoTime() - begin) / 1_000_000);
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
