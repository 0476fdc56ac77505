package io.peregrine.agent.collect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * proc.num [name=...] / [cmdline=...]: how many processes match, from {@code <procRoot>/<pid>/stat} (the comm
 * between the parentheses: the kernel's process name, at most 15 characters, matched exactly as Open-Falcon does)
 * and {@code <pid>/cmdline} (arguments joined with spaces; the item matches when it is a substring). An item with
 * both tags needs both to match. The command lines are read only when some item asks for one. A process that exits
 * during the scan is skipped. In a pod this needs hostPID (the DaemonSet sets it) to see the host's processes.
 */
final class ProcNumCheck implements Collector {
  private final BuiltinChecks checks;
  private final HostPaths paths;

  ProcNumCheck(BuiltinChecks checks, HostPaths paths) {
    this.checks = checks;
    this.paths = paths;
  }

  @Override
  public String name() {
    return "proc";
  }

  @Override
  public void collect(SampleEmitter out) throws IOException {
    List<BuiltinChecks.Proc> procs = checks.current().procs();
    if (procs.isEmpty()) {
      return;
    }
    boolean needCmdline = procs.stream().anyMatch(p -> p.cmdline() != null);
    int[] counts = new int[procs.size()];
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(paths.proc(), ProcNumCheck::isPid)) {
      for (Path pid : pids) {
        String comm;
        String cmdline = null;
        try {
          comm = comm(Files.readAllBytes(pid.resolve("stat")));
          if (needCmdline) {
            cmdline = cmdline(Files.readAllBytes(pid.resolve("cmdline")));
          }
        } catch (NoSuchFileException e) {
          continue; // exited while we looked
        } catch (IOException e) {
          continue; // a kernel thread's cmdline or a process we may not read: not countable
        }
        for (int i = 0; i < counts.length; i++) {
          BuiltinChecks.Proc p = procs.get(i);
          if ((p.name() == null || p.name().equals(comm))
              && (p.cmdline() == null || cmdline != null && cmdline.contains(p.cmdline()))) {
            counts[i]++;
          }
        }
      }
    }
    for (int i = 0; i < counts.length; i++) {
      out.gauge("proc.num", procs.get(i).tags(), counts[i]);
    }
  }

  private static boolean isPid(Path p) {
    String n = p.getFileName().toString();
    for (int i = 0; i < n.length(); i++) {
      if (n.charAt(i) < '0' || n.charAt(i) > '9') {
        return false;
      }
    }
    return !n.isEmpty();
  }

  /** {@code 1234 (my proc) S 1 ...}: the name may hold spaces and parentheses, so take up to the last ')'. */
  static String comm(byte[] stat) {
    String s = new String(stat, StandardCharsets.UTF_8);
    int open = s.indexOf('(');
    int close = s.lastIndexOf(')');
    return open >= 0 && close > open ? s.substring(open + 1, close) : "";
  }

  /** NUL-separated arguments, joined with spaces (what {@code ps -o args} shows). */
  static String cmdline(byte[] raw) {
    int end = raw.length;
    while (end > 0 && raw[end - 1] == 0) {
      end--;
    }
    byte[] copy = java.util.Arrays.copyOf(raw, end);
    for (int i = 0; i < copy.length; i++) {
      if (copy[i] == 0) {
        copy[i] = ' ';
      }
    }
    return new String(copy, StandardCharsets.UTF_8);
  }
}
