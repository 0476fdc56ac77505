package io.peregrine.agent.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One reading of a cgroup v2 directory's accounting files. A file the kernel does not offer (a controller not
 * enabled for the subtree, PSI off) reads as absent (-1 or an empty map) and its metrics are left out.
 *
 * @param cpu {@code cpu.stat}: usage_usec, user_usec, system_usec, nr_periods, nr_throttled, throttled_usec
 * @param memoryCurrent {@code memory.current} bytes
 * @param memoryMax {@code memory.max} bytes, -1 for "max" (no limit) or absent
 * @param memory {@code memory.stat}: anon, file, inactive_file, ...
 * @param memoryEvents {@code memory.events}: oom, oom_kill, ...
 * @param io {@code io.stat} summed over devices: rbytes, wbytes, rios, wios
 * @param pids {@code pids.current}
 * @param pressure "cpu.some.avg10" -> percent, the same for full and for memory and io
 */
public record CgroupStats(Map<String, Long> cpu, long memoryCurrent, long memoryMax, Map<String, Long> memory,
    Map<String, Long> memoryEvents, Map<String, Long> io, long pids, Map<String, Double> pressure) {

  public static CgroupStats read(Path dir) throws IOException {
    Map<String, Double> pressure = new HashMap<>();
    for (String resource : List.of("cpu", "memory", "io")) {
      for (String line : lines(dir.resolve(resource + ".pressure"))) {
        pressureLine(resource, line, pressure);
      }
    }
    return new CgroupStats(keyValues(dir.resolve("cpu.stat")), single(dir.resolve("memory.current")),
        single(dir.resolve("memory.max")), keyValues(dir.resolve("memory.stat")),
        keyValues(dir.resolve("memory.events")), ioStat(dir.resolve("io.stat")), single(dir.resolve("pids.current")),
        pressure);
  }

  /** working set = current - inactive_file, as the kubelet computes it for eviction (never below zero). */
  public long workingSet() {
    if (memoryCurrent < 0) {
      return -1;
    }
    return Math.max(0, memoryCurrent - memory.getOrDefault("inactive_file", 0L));
  }

  static List<String> lines(Path file) throws IOException {
    String text = text(file);
    return text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }

  /** The file's text, "" when it does not exist or its controller refuses reads. */
  private static String text(Path file) throws IOException {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      if (String.valueOf(e.getMessage()).contains("not supported")) {
        return ""; // psi=0: the pressure files exist but refuse reads
      }
      throw e;
    }
  }

  private static long single(Path file) throws IOException {
    String t = text(file).trim();
    if (t.isEmpty() || t.equals("max")) {
      return -1;
    }
    return parse(file, t);
  }

  /** {@code key value} per line; parsed by hand: ~2,000 of these files are read per round on a busy node. */
  private static Map<String, Long> keyValues(Path file) throws IOException {
    String t = text(file);
    Map<String, Long> out = new HashMap<>();
    int start = 0;
    while (start < t.length()) {
      int end = t.indexOf('\n', start);
      if (end < 0) {
        end = t.length();
      }
      int sp = t.indexOf(' ', start);
      if (sp > start && sp < end) {
        out.put(t.substring(start, sp), number(file, t, sp + 1, end));
      }
      start = end + 1;
    }
    return out;
  }

  /** {@code 8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0} per device, summed. */
  private static Map<String, Long> ioStat(Path file) throws IOException {
    Map<String, Long> out = new HashMap<>();
    for (String line : lines(file)) {
      for (String field : line.trim().split(" ")) {
        int eq = field.indexOf('=');
        if (eq > 0) {
          out.merge(field.substring(0, eq), parse(file, field.substring(eq + 1)), Long::sum);
        }
      }
    }
    return out;
  }

  /** {@code some avg10=0.12 avg60=0.05 avg300=0.01 total=123456}: avg10 is kept. */
  private static void pressureLine(String resource, String line, Map<String, Double> out) {
    String[] f = line.trim().split(" ");
    if (f.length < 2 || !f[0].equals("some") && !f[0].equals("full") || !f[1].startsWith("avg10=")) {
      return;
    }
    try {
      out.put(resource + "." + f[0] + ".avg10", Double.parseDouble(f[1].substring("avg10=".length())));
    } catch (NumberFormatException e) {
      // a field the kernel spells differently is left out rather than failing the container
    }
  }

  private static long number(Path file, String t, int from, int to) throws IOException {
    try {
      return Long.parseLong(t, from, to, 10);
    } catch (NumberFormatException e) {
      throw new IOException(file + ": '" + t.substring(from, to) + "' is not a whole number");
    }
  }

  private static long parse(Path file, String text) throws IOException {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IOException(file + ": '" + text + "' is not a whole number");
    }
  }
}
