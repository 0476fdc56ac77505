package io.peregrine.sender.lifecycle;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Escalations in this process only (all-in-one without Redis), with the same rules as the Redis store under one
 * lock: lost at a restart, not shared. At most {@value #MAX_ESCALATIONS} are kept (beyond that a new one is not
 * started); one idle {@code ttl} after its last PROBLEM is forgotten.
 */
public final class InProcessEscalationStore implements EscalationStore {
  static final int MAX_ESCALATIONS = 100_000;

  private static final class Entry {
    final long actionId;
    final long openedAt;
    int next;
    String problem;
    String ok = "";
    int okTries;
    long lease;
    long leaseUntil;
    boolean stopped;
    /** Due time (unix ms), or -1 when nothing is due (waiting for the OK). */
    long due;
    long touched;
    final Set<String> told = new LinkedHashSet<>();

    Entry(long actionId, long openedAt, String problem, long due, long now) {
      this.actionId = actionId;
      this.openedAt = openedAt;
      this.problem = problem;
      this.due = due;
      this.touched = now;
    }
  }

  private final Object lock = new Object();
  // guarded by lock
  private final Map<String, Entry> entries = new HashMap<>();
  private final IncidentStore incidents;
  private final Clock clock;
  private final Duration ttl;

  /** @param incidents where acknowledgements are read (the in-process incident store) */
  public InProcessEscalationStore(IncidentStore incidents, Clock clock, Duration ttl) {
    this.incidents = incidents;
    this.clock = clock;
    this.ttl = ttl;
  }

  @Override
  public boolean open(String id, long actionId, long now, long firstDue, String problem, boolean fresh) {
    synchronized (lock) {
      Entry e = live(id);
      if (e != null && fresh && e.stopped && e.ok.isEmpty()) {
        entries.remove(id);
        e = null;
      }
      if (e == null) {
        if (entries.size() >= MAX_ESCALATIONS) {
          entries.values().removeIf(x -> clock.millis() - x.touched > ttl.toMillis());
          if (entries.size() >= MAX_ESCALATIONS) {
            return false;
          }
        }
        entries.put(id, new Entry(actionId, now, problem, firstDue, clock.millis()));
        return true;
      }
      if (e.ok.isEmpty()) {
        e.problem = problem;
      }
      e.touched = clock.millis();
      return false;
    }
  }

  @Override
  public List<Claim> claim(long now, long leaseUntil, int limit) {
    List<Claim> out = new ArrayList<>();
    synchronized (lock) {
      entries.values().removeIf(x -> clock.millis() - x.touched > ttl.toMillis());
      for (Map.Entry<String, Entry> me : entries.entrySet()) {
        if (out.size() >= limit) {
          break;
        }
        Entry e = me.getValue();
        if (e.due < 0 || e.due > now) {
          continue;
        }
        if (e.ok.isEmpty() && acknowledged(me.getKey())) {
          e.due = -1;
          e.stopped = true;
          continue;
        }
        e.lease++;
        e.leaseUntil = leaseUntil;
        e.due = leaseUntil;
        out.add(new Claim(me.getKey(), e.lease, e.actionId, e.openedAt, e.next, e.problem, e.ok,
            e.ok.isEmpty() ? List.of() : List.copyOf(e.told), e.okTries));
      }
    }
    return out;
  }

  private boolean acknowledged(String id) {
    try {
      return incidents.find(id).map(i -> i.ack() != null).orElse(false);
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public boolean advance(Claim c, int next, long nextDue, List<String> told) {
    synchronized (lock) {
      Entry e = entries.get(c.id());
      if (e == null || e.lease != c.token()) {
        return false;
      }
      e.next = next;
      e.leaseUntil = 0;
      e.told.addAll(told);
      e.due = !e.ok.isEmpty() ? 0 : nextDue;
      return true;
    }
  }

  @Override
  public boolean retryRecovery(Claim c, List<String> left, long due) {
    synchronized (lock) {
      Entry e = entries.get(c.id());
      if (e == null || e.lease != c.token()) {
        return false;
      }
      e.told.clear();
      e.told.addAll(left);
      e.leaseUntil = 0;
      e.okTries++;
      e.due = due;
      return true;
    }
  }

  @Override
  public boolean finish(Claim c) {
    synchronized (lock) {
      Entry e = entries.get(c.id());
      if (e == null || e.lease != c.token()) {
        return false;
      }
      entries.remove(c.id());
      return true;
    }
  }

  @Override
  public void recovered(String id, String ok, long now) {
    synchronized (lock) {
      Entry e = live(id);
      if (e == null) {
        return;
      }
      e.ok = ok;
      if (e.leaseUntil <= now) {
        e.due = now;
      }
    }
  }

  // guarded by lock
  private Entry live(String id) {
    Entry e = entries.get(id);
    if (e != null && clock.millis() - e.touched > ttl.toMillis()) {
      entries.remove(id);
      return null;
    }
    return e;
  }
}
