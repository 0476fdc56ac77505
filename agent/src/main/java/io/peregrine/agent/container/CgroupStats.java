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
 * @param pressure "cpu.some.avg10" -> value, "cpu.some.total" -> microseconds, the same for memory and io
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
    try {
      return Files.readAllLines(file);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      if (String.valueOf(e.getMessage()).contains("not supported")) {
        return List.of(); // psi=0: the pressure files exist but refuse reads
      }
      throw e;
    }
  }

  private static long single(Path file) throws IOException {
    List<String> l = lines(file);
    if (l.isEmpty() || l.get(0).isBlank() || l.get(0).trim().equals("max")) {
      return -1;
    }
    return parse(file, l.get(0).trim());
  }

  /** {@code key value} per line. */
  private static Map<String, Long> keyValues(Path file) throws IOException {
    Map<String, Long> out = new HashMap<>();
    for (String line : lines(file)) {
      int sp = line.indexOf(' ');
      if (sp > 0) {
        out.put(line.substring(0, sp), parse(file, line.substring(sp + 1).trim()));
      }
    }
    return out;
  }

  /** {@code 8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0} per device, summed. */
  private static Map<String, Long> ioStat(Path file) throws IOException {
    Map<String, Long> out = new HashMap<>();
    for (String line : lines(file)) {
      String[] f = line.trim().split(" +");
      for (int i = 1; i < f.length; i++) {
        int eq = f[i].indexOf('=');
        if (eq > 0) {
          out.merge(f[i].substring(0, eq), parse(file, f[i].substring(eq + 1)), Long::sum);
        }
      }
    }
    return out;
  }

  /** {@code some avg10=0.12 avg60=0.05 avg300=0.01 total=123456}: avg10 and total are kept. */
  private static void pressureLine(String resource, String line, Map<String, Double> out) {
    String[] f = line.trim().split(" +");
    if (f.length < 2 || !f[0].equals("some") && !f[0].equals("full")) {
      return;
    }
    for (int i = 1; i < f.length; i++) {
      int eq = f[i].indexOf('=');
      String key = eq > 0 ? f[i].substring(0, eq) : "";
      if (key.equals("avg10") || key.equals("total")) {
        try {
          out.put(resource + "." + f[0] + "." + key, Double.parseDouble(f[i].substring(eq + 1)));
        } catch (NumberFormatException e) {
          // a field the kernel spells differently is left out rather than failing the container
        }
      }
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
