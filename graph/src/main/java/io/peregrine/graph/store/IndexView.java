package io.peregrine.graph.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The series index's lookups for the query APIs, read-only: endpoints and counters by pattern (Open-Falcon's
 * dashboard searches), and the Prometheus view (metric names, label names and values). Patterns are regular
 * expressions matched anywhere in the name, as Open-Falcon's endpoint search does; answers are sorted.
 */
public final class IndexView {
  private final SeriesIndex index;

  IndexView(SeriesIndex index) {
    this.index = index;
  }

  /** A page of names; {@code truncated} when more matched than the limit. */
  public record Names(List<String> names, boolean truncated) {}

  /** Endpoints whose name matches {@code pattern} (null: all). */
  public Names endpoints(Pattern pattern, int limit) {
    return page(index.endpointNames(), pattern, limit);
  }

  /** Counters ({@code metric/tags}) on any endpoint matching {@code pattern} (null: all). */
  public Names counters(Pattern pattern, int limit) {
    return page(index.counterNames(), pattern, limit);
  }

  /** The series of one endpoint whose counter matches {@code pattern} (null: all), in key order. */
  public List<SeriesMeta> countersOf(String endpoint, Pattern pattern, int limit, boolean[] truncated) {
    List<SeriesMeta> out = new ArrayList<>();
    for (SeriesMeta m : index.ofEndpoint(endpoint)) {
      if (pattern == null || pattern.matcher(m.counter()).find()) {
        if (out.size() == limit) {
          truncated[0] = true;
          return out;
        }
        out.add(m);
      }
    }
    return out;
  }

  public SeriesMeta get(String key) {
    return index.get(key);
  }

  /** Keys of the series whose Prometheus metric name is {@code name}. */
  public Set<String> byPromName(String name) {
    return index.byPromName(name);
  }

  public Set<String> promNames() {
    return index.promNames();
  }

  public Iterable<SeriesMeta> all() {
    return index.all();
  }

  public Set<String> labelNames() {
    return index.labelNames();
  }

  public Set<String> labelValues(String name) {
    return index.labelValues(name);
  }

  private static Names page(Set<String> names, Pattern pattern, int limit) {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      if (pattern == null || pattern.matcher(n).find()) {
        if (out.size() == limit) {
          return new Names(out, true);
        }
        out.add(n);
      }
    }
    return new Names(out, false);
  }
}
