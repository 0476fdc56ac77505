package io.peregrine.common.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NamedExecutorsTest {

  @Test
  void makesNamedDaemonThreads() throws Exception {
    ThreadPoolExecutor pool = NamedExecutors.fixed("graph-flush", 1, 1, new ThreadPoolExecutor.AbortPolicy());
    try {
      Future<Thread> t = pool.submit(Thread::currentThread);
      assertThat(t.get(5, TimeUnit.SECONDS).getName()).isEqualTo("graph-flush-1");
      assertThat(t.get().isDaemon()).isTrue();
    } finally {
      NamedExecutors.shutdown(pool, "graph-flush", Duration.ofSeconds(5));
    }
  }

  @Test
  void boundsTheQueueAndRejectsBeyondIt() {
    ThreadPoolExecutor pool = NamedExecutors.fixed("bounded", 1, 2, new ThreadPoolExecutor.AbortPolicy());
    CountDownLatch release = new CountDownLatch(1);
    try {
      pool.execute(() -> block(release));
      pool.execute(() -> { });
      pool.execute(() -> { });
      assertThat(pool.getQueue()).hasSize(2);
      assertThatThrownBy(() -> pool.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
    } finally {
      release.countDown();
      NamedExecutors.shutdown(pool, "bounded", Duration.ofSeconds(5));
    }
    assertThat(pool.isTerminated()).isTrue();
  }

  @Test
  void shutdownInterruptsWorkThatOutlivesTheGrace() {
    ThreadPoolExecutor pool = NamedExecutors.fixed("stuck", 1, 1, new ThreadPoolExecutor.AbortPolicy());
    CountDownLatch never = new CountDownLatch(1);
    pool.execute(() -> block(never));
    NamedExecutors.shutdown(pool, "stuck", Duration.ofMillis(10));
    await().atMost(Duration.ofSeconds(5)).until(pool::isTerminated);
  }

  @Test
  void scheduledExecutorUsesNamedThreads() throws Exception {
    ScheduledExecutorService s = NamedExecutors.scheduled("hbs-tick");
    try {
      assertThat(s.schedule(() -> Thread.currentThread().getName(), 1, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS))
          .isEqualTo("hbs-tick-1");
    } finally {
      NamedExecutors.shutdown(s, "hbs-tick", Duration.ofSeconds(5));
    }
  }

  private static void block(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
