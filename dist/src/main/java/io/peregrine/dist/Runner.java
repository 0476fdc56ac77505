package io.peregrine.dist;

import io.peregrine.common.config.ConfigException;
import io.peregrine.common.lifecycle.Lifecycle;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a lifecycle until the process is told to stop: one JVM shutdown hook closes it (Ctrl-C, SIGTERM from
 * Kubernetes), in reverse start order, so every component flushes into the ones it feeds before they stop.
 */
final class Runner {
  private static final Logger log = LoggerFactory.getLogger(Runner.class);

  private Runner() {}

  /** Builds and starts the components, each with {@code lifecycle.start(component)}, in dependency order. */
  interface Wiring {
    void wire(Lifecycle lifecycle) throws Exception;
  }

  static int run(String name, Wiring wiring) {
    Lifecycle lifecycle = new Lifecycle(name);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      lifecycle.close();
      stopped.countDown();
    }, name + "-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      wiring.wire(lifecycle);
    } catch (ConfigException e) {
      log.error("{}: {}", name, e.getMessage());
      lifecycle.close();
      return 2;
    } catch (Exception e) {
      log.error("{}: failed to start: {}", name, e.toString(), e);
      lifecycle.close();
      return 1;
    }
    log.info("{}: running; Ctrl-C (SIGTERM) stops it", name);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
