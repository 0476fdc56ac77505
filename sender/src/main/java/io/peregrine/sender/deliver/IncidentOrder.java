package io.peregrine.sender.deliver;

import io.peregrine.common.event.AlertEvent;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Keeps the events of one incident (one event id) in order: while one of them is on its way (sending, retrying,
 * waiting in a digest), later ones wait here, then go one at a time, earliest first (event time, PROBLEM before
 * OK, lower step first, then take order). So PROBLEM n is told before PROBLEM n+1 and before the OK, whatever the
 * workers and retries do. An OK whose PROBLEM was dead-lettered is let go with a remark saying so; the last
 * {@value #REMEMBERED} such incidents are remembered for an OK that comes later.
 *
 * <p>Bounded by the dispatcher's in-flight cap: only taken events wait here.
 */
final class IncidentOrder {
  static final int REMEMBERED = 10_000;
  static final Comparator<Attempt> ORDER = Comparator
      .comparingLong((Attempt a) -> a.event().eventTime())
      .thenComparingInt(a -> a.event().isProblem() ? 0 : 1)
      .thenComparingInt(a -> a.event().currentStep())
      .thenComparingLong(a -> a.seq);

  private final Object lock = new Object();
  private final Map<String, PriorityQueue<Attempt>> waiting = new HashMap<>();
  private final Map<String, String> undelivered = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > REMEMBERED;
    }
  };
  private int held;

  /**
   * Registers a taken event.
   *
   * @return true when it may go now; false when it waits behind an earlier event of its incident
   */
  boolean admit(Attempt a) {
    String id = a.event().id();
    synchronized (lock) {
      PriorityQueue<Attempt> q = waiting.get(id);
      if (q == null) {
        waiting.put(id, new PriorityQueue<>(ORDER));
        remark(a);
        return true;
      }
      q.add(a);
      held++;
      return false;
    }
  }

  /**
   * The event left the sender (acknowledged or dead-lettered).
   *
   * @param delivered false when it was dead-lettered
   * @return the next event of the incident to go, or null
   */
  Attempt settle(Attempt a, boolean delivered, String reason) {
    String id = a.event().id();
    synchronized (lock) {
      if (a.event().isProblem()) {
        if (delivered) {
          undelivered.remove(id);
        } else {
          undelivered.put(id, shorten(reason));
        }
      }
      PriorityQueue<Attempt> q = waiting.get(id);
      if (q == null) {
        return null;
      }
      Attempt next = q.poll();
      if (next == null) {
        waiting.remove(id);
        return null;
      }
      held--;
      remark(next);
      return next;
    }
  }

  /** Events waiting behind an earlier one of their incident. */
  int held() {
    synchronized (lock) {
      return held;
    }
  }

  private void remark(Attempt a) {
    if (!a.event().isProblem() && AlertEvent.OK.equals(a.event().status())) {
      String why = undelivered.get(a.event().id());
      if (why != null) {
        a.remark = "its PROBLEM was not delivered: " + why;
      }
    }
  }

  private static String shorten(String reason) {
    String r = reason == null ? "dead-lettered" : reason;
    return r.length() > 120 ? r.substring(0, 120) + "..." : r;
  }
}
