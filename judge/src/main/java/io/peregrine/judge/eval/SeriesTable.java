package io.peregrine.judge.eval;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The series map of the hot path: open addressing with linear probing over an array of states, at most a third
 * full (few probes; at most 24 bytes of slots per series). A lookup hashes nothing (the validator already computed
 * the hash while it checked the bytes), compares the 64-bit hash kept in each probed state and verifies the full key
 * bytes of a state whose hash matches, so two series whose hashes collide are still two series. No key object, no
 * boxing, no allocation.
 *
 * <p>Reads take no lock: a writer publishes a complete state with release semantics, and a reader
 * loads the state with acquire semantics, so a state it sees is complete. Growth (past a third full) and removal (the
 * stale sweep, which rebuilds the arrays from the survivors) publish new arrays through a volatile field. Writers
 * are serialised by the table's monitor; a reader that misses looks again under it ({@link #putIfAbsent}), so a
 * series inserted concurrently is never created twice.
 */
final class SeriesTable {
  private static final VarHandle STATES = MethodHandles.arrayElementVarHandle(SeriesState[].class);
  private static final int MIN_CAPACITY = 16;

  /** One generation of the arrays; replaced whole on growth and sweep. */
  private static final class Slots {
    final SeriesState[] states;
    final int mask;

    Slots(int capacity) {
      states = new SeriesState[capacity];
      mask = capacity - 1;
    }
  }

  private volatile Slots slots = new Slots(MIN_CAPACITY);
  /** Most samples {@link #prefetch} looks ahead at once (beyond the first level-1 cache's worth it evicts itself). */
  static final int PREFETCH_WINDOW = 32;
  private final ThreadLocal<Prefetched> prefetched = ThreadLocal.withInitial(Prefetched::new);

  /** A judging thread's own prefetch scratch. */
  private static final class Prefetched {
    final SeriesState[] home = new SeriesState[PREFETCH_WINDOW];
    /** Written only so that the loads are not optimised away (per thread: a shared field would bounce). */
    long sink;
  }
  /** Guarded by this. */
  private int size;

  /** The state of the viewed sample's series, or null. */
  SeriesState get(SampleView v) {
    Slots s = slots;
    long h = v.hash;
    int mask = s.mask;
    for (int i = index(h, mask); ; i = (i + 1) & mask) {
      SeriesState st = (SeriesState) STATES.getAcquire(s.states, i);
      if (st == null) {
        return null;
      }
      // the state's own hash, not a parallel long[]: the state is loaded anyway, so a hit costs one miss less
      if (st.hash == h && st.is(v)) {
        return st;
      }
    }
  }

  /**
   * Touches what judging {@code views[0, n)} (those with {@code valid[i]}) will read: each one's home slot, the state
   * there, its key bytes and newest point. It reads them in stages, one stage for all samples before the next, so the
   * cache misses of different samples are in flight together instead of one after another; judging then finds them
   * in the cache. Finds and changes nothing: a state read here unpublished or moved only wastes its loads, and
   * {@link #get} decides.
   */
  void prefetch(SampleView[] views, boolean[] valid, int n) {
    Prefetched p = prefetched.get();
    SeriesState[] home = p.home;
    SeriesState[] states = slots.states;
    int mask = states.length - 1;
    int count = Math.min(n, home.length);
    for (int i = 0; i < count; i++) {
      home[i] = valid[i] ? states[index(views[i].hash, mask)] : null;
    }
    long touched = 0;
    for (int i = 0; i < count; i++) {
      SeriesState st = home[i];
      if (st != null && st.hash != views[i].hash) {
        home[i] = null; // displaced by a collision: get() probes on
      }
    }
    for (int i = 0; i < count; i++) {
      SeriesState st = home[i];
      if (st != null) {
        touched += st.touchData();
        home[i] = null;
      }
    }
    p.sink = touched; // the loads are used, so the compiler keeps them
  }

  /** The state already kept for the series of {@code fresh}, or {@code fresh} after adding it. */
  synchronized SeriesState putIfAbsent(SeriesState fresh) {
    Slots s = slots;
    for (int i = index(fresh.hash, s.mask); ; i = (i + 1) & s.mask) {
      SeriesState st = s.states[i];
      if (st == null) {
        break;
      }
      if (st.hash == fresh.hash && st.sameSeries(fresh)) {
        return st;
      }
    }
    if ((size + 1) * 3 > s.states.length) {
      s = grow(s.states.length * 2);
    }
    insert(s, fresh);
    size++;
    return fresh;
  }

  /** The state kept for the series of {@code probe} (any state of the same key), or null. */
  SeriesState find(SeriesState probe) {
    Slots s = slots;
    for (int i = index(probe.hash, s.mask); ; i = (i + 1) & s.mask) {
      SeriesState st = (SeriesState) STATES.getAcquire(s.states, i);
      if (st == null) {
        return null;
      }
      if (st.hash == probe.hash && st.sameSeries(probe)) {
        return st;
      }
    }
  }

  /** Removes every state {@code stale} accepts, rebuilding the arrays (sized for what is left). */
  synchronized int removeIf(Predicate<SeriesState> stale) {
    java.util.List<SeriesState> kept = new java.util.ArrayList<>(size);
    for (SeriesState st : slots.states) {
      if (st != null && !stale.test(st)) {
        kept.add(st);
      }
    }
    int removed = size - kept.size();
    if (removed == 0) {
      return 0;
    }
    int capacity = MIN_CAPACITY;
    while (kept.size() * 3 > capacity) {
      capacity *= 2;
    }
    Slots next = new Slots(capacity);
    for (SeriesState st : kept) {
      insert(next, st);
    }
    slots = next;
    size = kept.size();
    return removed;
  }

  /** Every state (a snapshot of the current arrays; concurrent inserts may or may not be seen). */
  void forEach(Consumer<SeriesState> action) {
    for (SeriesState st : slots.states) {
      if (st != null) {
        action.accept(st);
      }
    }
  }

  int size() {
    synchronized (this) {
      return size;
    }
  }

  /** Slots in use and free: what the table itself costs. */
  int capacity() {
    return slots.states.length;
  }

  private Slots grow(int capacity) {
    Slots next = new Slots(capacity);
    for (SeriesState st : slots.states) {
      if (st != null) {
        insert(next, st);
      }
    }
    slots = next;
    return next;
  }

  private static void insert(Slots s, SeriesState st) {
    int i = index(st.hash, s.mask);
    while (s.states[i] != null) {
      i = (i + 1) & s.mask;
    }
    STATES.setRelease(s.states, i, st);
  }

  /** The series hash is already mixed (fmix64); its high bits pick the slot, as its low bits pick transfer's ring. */
  private static int index(long hash, int mask) {
    return (int) (hash >>> 32 ^ hash) & mask;
  }
}
