package io.peregrine.bench;

import io.peregrine.common.server.NamedExecutors;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets Ctrl-C (SIGINT, SIGTERM) end a bench command with its summary instead of cutting it off: the JVM shutdown hook
 * asks the command to stop, then holds the JVM open until the command says it printed its summary (at most
 * {@link #GRACE_SECONDS}).
 */
final class CtrlC implements AutoCloseable {
  static final long GRACE_SECONDS = 30;

  private final Thread hook;
  private final CountDownLatch finished = new CountDownLatch(1);

  CtrlC(String name, Runnable stop) {
    hook = NamedExecutors.threadFactory(name + "-shutdown").newThread(() -> {
      stop.run();
      try {
        finished.await(GRACE_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** The command is done (its summary printed): releases a waiting hook, or removes the hook when none ran. */
  @Override
  public void close() {
    finished.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook is running and has just been released
    }
  }
}
