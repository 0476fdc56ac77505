package io.peregrine.judge.bench;

import io.grpc.stub.StreamObserver;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.proto.v1.PushResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.locks.LockSupport;

/** Feeds the encoded batches from one thread each, optionally paced, and measures the feeding threads' CPU. */
final class BenchFeeder {
  @FunctionalInterface
  interface Pusher {
    void push(byte[] batch) throws Exception;
  }

  /** The in-process answer of one push. */
  static final class Answer implements StreamObserver<PushResponse> {
    Throwable error;

    @Override
    public void onNext(PushResponse value) {
      if (value.getRejected() > 0) {
        error = new IllegalStateException("bench batch rejected: " + value.getRejects(0).getReason());
      }
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {
      // nothing to do
    }

    void check() {
      if (error != null) {
        throw new IllegalStateException(error);
      }
    }
  }

  private final List<List<byte[]>> perThread;
  private final Pusher pusher;
  /** Samples/s over all threads, 0 = as fast as possible. */
  private final int rate;

  BenchFeeder(List<List<byte[]>> perThread, Pusher pusher, int rate) {
    this.perThread = perThread;
    this.pusher = pusher;
    this.rate = rate;
  }

  /** Pushes batches {@code from..to} of every thread, threads in parallel; returns their CPU nanoseconds. */
  long feed(int from, int to) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int n = perThread.size();
    ExecutorService feeders = NamedExecutors.fixed("bench-judge-feeder", n, n, new ThreadPoolExecutor.AbortPolicy());
    try {
      List<Future<Long>> running = new ArrayList<>();
      for (List<byte[]> mine : perThread) {
        running.add(feeders.submit(() -> {
          long cpu0 = threads.getCurrentThreadCpuTime();
          long start = System.nanoTime();
          long sent = 0;
          double nanosPerSample = rate == 0 ? 0 : 1e9 * n / rate;
          for (int i = from; i < to; i++) {
            if (rate > 0) {
              long due = start + (long) (sent * nanosPerSample);
              long wait = due - System.nanoTime();
              if (wait > 0) {
                LockSupport.parkNanos(wait); // the pace of the offered load, not a synchronisation
              }
            }
            byte[] batch = mine.get(i);
            pusher.push(batch);
            sent += samplesIn(batch);
          }
          return threads.getCurrentThreadCpuTime() - cpu0;
        }));
      }
      long cpu = 0;
      for (Future<Long> f : running) {
        try {
          cpu += f.get();
        } catch (ExecutionException e) {
          throw new IllegalStateException("bench judge: a feeder failed: " + e.getCause(), e.getCause());
        }
      }
      return cpu;
    } finally {
      NamedExecutors.shutdown(feeders, "bench-judge-feeder", Duration.ofSeconds(5));
    }
  }

  /** Samples in an encoded batch: the field-1 entries, counted without decoding them. */
  private static int samplesIn(byte[] batch) {
    int n = 0;
    int p = 0;
    while (p < batch.length) {
      p++; // tag 10 (the bench writes nothing else)
      int len = 0;
      int shift = 0;
      byte b;
      do {
        b = batch[p++];
        len |= (b & 0x7F) << shift;
        shift += 7;
      } while (b < 0);
      p += len;
      n++;
    }
    return n;
  }

  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** Heap in use after a full collection (the bench's memory estimate; System.gc is the bench's own choice). */
  static long usedHeapAfterGc() {
    for (int i = 0; i < 2; i++) {
      System.gc();
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  /** VmRSS from /proc (Linux), 0 elsewhere. */
  static long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }
}
