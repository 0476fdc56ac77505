package io.peregrine.agent.plugin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one plugin once: stdin closed, stdout kept up to {@link #MAX_STDOUT_BYTES}, stderr up to
 * {@link #MAX_STDERR_BYTES} (both read to the end on IO threads, so a chatty plugin never blocks on a full pipe), and
 * a deadline for the whole run.
 *
 * <p>At the deadline the whole process tree is killed: the plugin's descendants (ProcessHandle, taken while it still
 * runs, since an orphan is re-parented and no longer a descendant) and then every process that carries this run's
 * marker in its environment ({@code PEREGRINE_PLUGIN_RUN}, inherited by everything the plugin starts, even a child
 * that daemonised itself). A run also ends when the plugin exits: the JDK then reads what is left in the pipes and
 * closes them, and the same sweep kills whatever the plugin left running ({@code sleep 300 &} in a shell script), so
 * plugins run every step cannot pile up stray processes. What a left-behind child prints later is lost.
 *
 * <p>The sweep after a run that ended within {@link #FULL_SWEEP_AFTER_MILLIS} reads the environment only of the
 * processes whose pids were handed out since the run started (the namespace's {@code ns_last_pid} before and after;
 * anything the run started got a pid in between): reading every {@code /proc/<pid>/environ} cost ~5 ms a run on a
 * host with a hundred processes, more than a collection round. A longer run, or one that timed out, sweeps every
 * pid, since the pid counter may have wrapped past the run's start meanwhile.
 */
final class PluginProcess {
  static final int MAX_STDOUT_BYTES = 1024 * 1024;
  static final int MAX_STDERR_BYTES = 4096;
  static final String MARKER_ENV = "PEREGRINE_PLUGIN_RUN";
  /** How long the pipes may take to close once everything of the run was killed. */
  private static final long DRAIN_AFTER_KILL_MILLIS = 2000;
  /**
   * Runs up to this long sweep only the pids handed out since they started: wrapping the pid counter (32,768 pids by
   * default) within a second would take over 30,000 forks a second on the host.
   */
  static final long FULL_SWEEP_AFTER_MILLIS = 1000;

  enum Result { OK, FAILED, TIMEOUT }

  record Outcome(Result result, byte[] stdout, boolean stdoutTruncated, String stderr, int exitCode, int killed) {}

  private final ExecutorService io;
  private final Path ownProc;

  /**
   * @param io threads that read the pipes, two per run
   * @param ownProc the procfs of the agent's own pid namespace (where it starts plugins), for the marker sweep
   */
  PluginProcess(ExecutorService io, Path ownProc) {
    this.io = io;
    this.ownProc = ownProc;
  }

  Outcome run(Plugin plugin, long timeoutMillis) throws IOException, InterruptedException {
    String marker = UUID.randomUUID().toString();
    ProcessBuilder pb = new ProcessBuilder(plugin.file().toString()).directory(plugin.file().getParent().toFile());
    pb.environment().put(MARKER_ENV, marker);
    long started = System.nanoTime();
    long deadline = started + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    long lastPidBefore = lastPid();
    Process process = pb.start();
    process.getOutputStream().close();
    Future<Capture> out = io.submit(() -> Capture.read(process.getInputStream(), MAX_STDOUT_BYTES));
    Future<Capture> err = io.submit(() -> Capture.read(process.getErrorStream(), MAX_STDERR_BYTES));
    Result result = Result.OK;
    int killed = 0;
    if (!process.waitFor(remaining(deadline), TimeUnit.NANOSECONDS)) {
      List<ProcessHandle> tree = process.descendants().toList();
      process.destroyForcibly();
      killed = 1;
      for (ProcessHandle h : tree) {
        killed += h.destroyForcibly() ? 1 : 0;
      }
      killed += killMarked(marker);
      result = Result.TIMEOUT;
    } else {
      // exited: nothing it started may outlive the run
      boolean quick = System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(FULL_SWEEP_AFTER_MILLIS);
      long lastPidNow = quick ? lastPid() : -1;
      killed = lastPidBefore < 0 || lastPidNow < 0 ? killMarked(marker)
          : killMarked(marker, new PidRange(lastPidBefore, lastPidNow));
      try {
        out.get(remaining(deadline), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        killed += killMarked(marker); // something it started still holds stdout open
        result = Result.TIMEOUT;
      } catch (ExecutionException e) {
        // reading failed: handled below when the capture is taken
      }
    }
    Capture stdout = take(out);
    Capture stderr = take(err);
    int exit = process.waitFor(DRAIN_AFTER_KILL_MILLIS, TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    if (result == Result.OK && exit != 0) {
      result = Result.FAILED;
    }
    return new Outcome(result, stdout.bytes(), stdout.truncated(), new String(stderr.bytes(), StandardCharsets.UTF_8),
        exit, killed);
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  private static Capture take(Future<Capture> f) throws InterruptedException {
    try {
      return f.get(DRAIN_AFTER_KILL_MILLIS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      f.cancel(true);
      return new Capture(new byte[0], true);
    }
  }

  /**
   * Kills every process whose environment holds this run's marker; returns how many it killed. Passes repeat until
   * one finds nothing: a process may fork between the directory listing and its kill (the child then has a higher pid
   * the pass may already have gone by).
   */
  int killMarked(String marker) {
    return killMarked(marker, PidRange.ALL);
  }

  /** As {@link #killMarked(String)}, reading only the environments of pids in {@code range}. */
  int killMarked(String marker, PidRange range) {
    int total = 0;
    for (int pass = 0; pass < 10; pass++) {
      int killed = killMarkedOnce(marker, range);
      if (killed == 0) {
        break;
      }
      total += killed;
    }
    return total;
  }

  private int killMarkedOnce(String marker, PidRange range) {
    byte[] needle = (MARKER_ENV + "=" + marker).getBytes(StandardCharsets.US_ASCII);
    int killed = 0;
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(ownProc,
        p -> range.contains(pidOf(p.getFileName().toString())))) {
      for (Path pid : pids) {
        byte[] env;
        try {
          env = Files.readAllBytes(pid.resolve("environ"));
        } catch (IOException e) {
          continue; // gone, or not ours to read (then not ours to kill either)
        }
        if (contains(env, needle)) {
          killed += ProcessHandle.of(Long.parseLong(pid.getFileName().toString()))
              .map(ProcessHandle::destroyForcibly).orElse(false) ? 1 : 0;
        }
      }
    } catch (IOException e) {
      // no procfs (macOS): the descendants killed above are all we can reach
    }
    return killed;
  }

  /** The namespace's last pid handed out ({@code sys/kernel/ns_last_pid}), or -1 where it cannot be read. */
  long lastPid() {
    // one read: a sysctl file answers only a read at offset 0 (Files.readString's second read would see EOF)
    byte[] buf = new byte[32];
    try (InputStream in = Files.newInputStream(ownProc.resolve("sys/kernel/ns_last_pid"))) {
      int n = in.read(buf);
      return n <= 0 ? -1 : Long.parseLong(new String(buf, 0, n, StandardCharsets.US_ASCII).trim());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The pid a {@code /proc} entry names, or -1 for the other entries ({@code self}, {@code sys}, ...). */
  static long pidOf(String name) {
    long pid = 0;
    if (name.isEmpty() || name.length() > 10) {
      return -1;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      pid = pid * 10 + (c - '0');
    }
    return pid;
  }

  /**
   * The pids handed out after {@code after} up to {@code last}, in the order the kernel hands them out: upwards, then
   * from the bottom again once the counter wrapped ({@code last < after}).
   */
  record PidRange(long after, long last) {
    static final PidRange ALL = new PidRange(-1, -1);

    boolean contains(long pid) {
      if (pid < 0) {
        return false;
      }
      if (after < 0) {
        return true; // ALL
      }
      return last >= after ? pid > after && pid <= last : pid > after || pid <= last;
    }
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      if (i > 0 && hay[i - 1] != 0) {
        continue; // environ entries are NUL-separated: match whole entries only
      }
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i + needle.length == hay.length || hay[i + needle.length] == 0;
    }
    return false;
  }

  /** What was read from a pipe: at most a cap, the rest read and dropped. */
  record Capture(byte[] bytes, boolean truncated) {
    static Capture read(InputStream in, int cap) throws IOException {
      ByteArrayOutputStream kept = new ByteArrayOutputStream(Math.min(cap, 8192));
      byte[] buf = new byte[8192];
      boolean truncated = false;
      try (in) {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          int keep = Math.min(n, cap - kept.size());
          if (keep > 0) {
            kept.write(buf, 0, keep);
          }
          truncated |= keep < n;
        }
      }
      return new Capture(kept.toByteArray(), truncated);
    }
  }
}
