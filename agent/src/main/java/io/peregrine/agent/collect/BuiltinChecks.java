package io.peregrine.agent.collect;

import io.peregrine.common.model.Tags;
import io.peregrine.proto.v1.BuiltinItem;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks hbs hands this agent (Open-Falcon's builtin items): {@code net.port.listen [port=80]},
 * {@code proc.num [name=nginx]} / {@code [cmdline=java -jar app]} (both may be given: a process must match both),
 * {@code du.bs [path=/data/log]}, {@code url.check.health [url=http://...,timeout=5]}. Each heartbeat answer replaces
 * the whole set at once ({@link #update}); the check collectors read {@link #current()} every round, so a change
 * applies from the next round, without a restart.
 *
 * <p>An item that cannot be run (a port that is not a number, a path that is not absolute, a URL that is not http(s))
 * is left out and logged once (not on every heartbeat). At most {@link #MAX_PER_KIND} items of each kind are kept; the
 * rest are logged and left out: each item is work on every round.
 */
public final class BuiltinChecks {
  private static final Logger log = LoggerFactory.getLogger(BuiltinChecks.class);
  public static final int MAX_PER_KIND = 256;
  /** Open-Falcon's curl -m default when the item has no timeout tag. */
  static final Duration DEFAULT_URL_TIMEOUT = Duration.ofSeconds(5);
  static final Duration MAX_URL_TIMEOUT = Duration.ofSeconds(30);

  record Port(int port, String tags) {}

  /** name: exact comm (the kernel's 15-character process name); cmdline: substring of the command line. */
  record Proc(String name, String cmdline, String tags) {}

  record Du(String path, String tags) {}

  record Url(URI uri, Duration timeout, String tags) {}

  record CheckSet(List<Port> ports, List<Proc> procs, List<Du> du, List<Url> urls) {
    static final CheckSet EMPTY = new CheckSet(List.of(), List.of(), List.of(), List.of());

    int size() {
      return ports.size() + procs.size() + du.size() + urls.size();
    }
  }

  private final AtomicReference<CheckSet> current = new AtomicReference<>(CheckSet.EMPTY);
  private final Set<String> loggedRejects = ConcurrentHashMap.newKeySet();
  private final Object lock = new Object();
  // guarded by lock
  private List<BuiltinItem> lastItems = List.of();

  CheckSet current() {
    return current.get();
  }

  /** Replaces the checks with the ones in this heartbeat answer; logs when they changed. */
  public void update(List<BuiltinItem> items) {
    CheckSet next;
    synchronized (lock) {
      if (items.equals(lastItems)) {
        return;
      }
      lastItems = List.copyOf(items);
      next = parse(items);
      current.set(next);
    }
    log.info("agent-checks: hbs sent {} checks: {} ports, {} process counts, {} du paths, {} URLs", next.size(),
        next.ports().size(), next.procs().size(), next.du().size(), next.urls().size());
  }

  CheckSet parse(List<BuiltinItem> items) {
    List<Port> ports = new ArrayList<>();
    List<Proc> procs = new ArrayList<>();
    List<Du> du = new ArrayList<>();
    List<Url> urls = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (BuiltinItem item : items) {
      if (!seen.add(item.getMetric() + "\n" + item.getTags())) {
        continue;
      }
      try {
        String tags = Tags.canonical(item.getTags());
        Map<String, String> t = Tags.toMap(tags);
        switch (item.getMetric()) {
          case "net.port.listen" -> add(ports, new Port(port(t), tags), item);
          case "proc.num" -> add(procs, proc(t, tags), item);
          case "du.bs" -> add(du, new Du(path(t), tags), item);
          case "url.check.health" -> add(urls, url(t, tags), item);
          default -> reject(item, "not a check this agent runs");
        }
      } catch (IllegalArgumentException e) {
        reject(item, e.getMessage());
      }
    }
    return new CheckSet(List.copyOf(ports), List.copyOf(procs), List.copyOf(du), List.copyOf(urls));
  }

  private <T> void add(List<T> list, T check, BuiltinItem item) {
    if (list.size() >= MAX_PER_KIND) {
      reject(item, "more than " + MAX_PER_KIND + " " + item.getMetric() + " checks");
      return;
    }
    list.add(check);
  }

  private void reject(BuiltinItem item, String why) {
    if (loggedRejects.add(item.getMetric() + "\n" + item.getTags() + "\n" + why)) {
      log.warn("agent-checks: ignoring {} [{}] from hbs: {}", item.getMetric(), item.getTags(), why);
    }
  }

  private static int port(Map<String, String> t) {
    String p = t.get("port");
    if (p == null) {
      throw new IllegalArgumentException("no port tag");
    }
    try {
      int port = Integer.parseInt(p.trim());
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // falls through
    }
    throw new IllegalArgumentException("port '" + p + "' is not within 1..65535");
  }

  private static Proc proc(Map<String, String> t, String tags) {
    String name = t.get("name");
    String cmdline = t.get("cmdline");
    if ((name == null || name.isBlank()) && (cmdline == null || cmdline.isBlank())) {
      throw new IllegalArgumentException("needs a name or cmdline tag");
    }
    return new Proc(name == null || name.isBlank() ? null : name.trim(),
        cmdline == null || cmdline.isBlank() ? null : cmdline.trim(), tags);
  }

  private static String path(Map<String, String> t) {
    String p = t.get("path");
    if (p == null || !p.trim().startsWith("/")) {
      throw new IllegalArgumentException("path '" + p + "' is not absolute");
    }
    return p.trim();
  }

  private static Url url(Map<String, String> t, String tags) {
    String u = t.get("url");
    URI uri;
    try {
      uri = URI.create(u == null ? "" : u.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("url '" + u + "' is not a URL");
    }
    if (uri.getScheme() == null || !uri.getScheme().equals("http") && !uri.getScheme().equals("https")
        || uri.getHost() == null) {
      throw new IllegalArgumentException("url '" + u + "' is not an http(s) URL");
    }
    Duration timeout = DEFAULT_URL_TIMEOUT;
    String s = t.get("timeout");
    if (s != null) {
      try {
        long seconds = Long.parseLong(s.trim());
        if (seconds < 1 || seconds > MAX_URL_TIMEOUT.toSeconds()) {
          throw new NumberFormatException();
        }
        timeout = Duration.ofSeconds(seconds);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("timeout '" + s + "' is not 1.." + MAX_URL_TIMEOUT.toSeconds()
            + " seconds");
      }
    }
    return new Url(uri, timeout, tags);
  }
}
