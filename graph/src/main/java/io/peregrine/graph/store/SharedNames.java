package io.peregrine.graph.store;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One String instance per distinct name (an endpoint, a metric, a tag text) for every series carrying it, counted so
 * a name no series uses any more is forgotten. A fleet repeats its names: 1,000,000 series of 5,000 hosts x 200
 * metrics hold 5,000 endpoint and 200 metric strings, not 1,000,000 of each (about 110 bytes of heap per series).
 * Mutated by the index's one mutating thread at a time; read-only callers never see it.
 */
final class SharedNames {
  private static final class Entry {
    final String name;
    int uses;

    Entry(String name) {
      this.name = name;
    }
  }

  private final ConcurrentHashMap<String, Entry> names = new ConcurrentHashMap<>();

  /** The shared instance equal to {@code name}, counting one more use. */
  String acquire(String name) {
    Entry e = names.computeIfAbsent(name, Entry::new);
    e.uses++;
    return e.name;
  }

  /** One use fewer of {@code name}; forgotten at none. */
  void release(String name) {
    names.computeIfPresent(name, (k, e) -> --e.uses <= 0 ? null : e);
  }

  int size() {
    return names.size();
  }
}
