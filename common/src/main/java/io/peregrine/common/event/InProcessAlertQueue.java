package io.peregrine.common.event;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The alert queue for a single process (all-in-one without Redis): seven bounded queues, most urgent taken first.
 * When a queue is full, publish fails and the judge keeps the event and retries: nothing is dropped silently.
 * Events do not survive a restart; use Redis for that.
 */
public final class InProcessAlertQueue implements AlertPublisher, AlertSource {
  public static final int DEFAULT_CAPACITY = 10_000;
  private static final int DEAD_LETTER_CAPACITY = 1_000;

  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final List<Deque<String>> queues = new ArrayList<>();
  private final Deque<DeadLetter> deadLetters = new ArrayDeque<>();
  private long deadLettersDropped;

  /** An event given up on, with why; kept in memory, the newest 1,000. */
  public record DeadLetter(String raw, String reason, long failedAtMillis) {}

  public InProcessAlertQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.capacity = capacity;
    for (int p = AlertQueues.MIN_PRIORITY; p <= AlertQueues.MAX_PRIORITY; p++) {
      queues.add(new ArrayDeque<>());
    }
  }

  @Override
  public void publish(AlertEvent event) throws AlertQueueException {
    String json = AlertEventJson.write(event);
    int p = AlertQueues.clamp(event.priority());
    lock.lock();
    try {
      Deque<String> q = queues.get(p);
      if (q.size() >= capacity) {
        throw new AlertQueueException("in-process alert queue p" + p + " is full (" + capacity + " events)", null);
      }
      q.addLast(json);
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Delivery take(Duration wait) throws InterruptedException {
    long nanos = wait.toNanos();
    lock.lock();
    try {
      while (true) {
        for (Deque<String> q : queues) {
          String json = q.pollFirst();
          if (json != null) {
            return new Delivery(AlertEventJson.read(json), json);
          }
        }
        if (nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void ack(Delivery delivery) {
    // taken means removed here: a process crash loses the whole queue anyway
  }

  @Override
  public void deadLetter(Delivery delivery, String reason) {
    lock.lock();
    try {
      if (deadLetters.size() >= DEAD_LETTER_CAPACITY) {
        deadLetters.pollFirst();
        deadLettersDropped++;
      }
      deadLetters.addLast(new DeadLetter(delivery.raw(), reason, System.currentTimeMillis()));
    } finally {
      lock.unlock();
    }
  }

  /** Events given up on, oldest first (at most the newest 1,000). */
  public List<String> deadLetters() {
    return deadLetterEntries().stream().map(DeadLetter::raw).toList();
  }

  /** Events given up on with their reasons, oldest first. */
  public List<DeadLetter> deadLetterEntries() {
    lock.lock();
    try {
      return List.copyOf(deadLetters);
    } finally {
      lock.unlock();
    }
  }

  /** Dead letters pushed out by newer ones since start (the list keeps the newest 1,000). */
  public long deadLettersDropped() {
    lock.lock();
    try {
      return deadLettersDropped;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Puts every dead letter back at the end of its priority queue for another round of delivery.
   *
   * @return how many were replayed; those that no longer fit stay dead-lettered
   */
  public int replayDeadLetters() {
    lock.lock();
    try {
      int replayed = 0;
      for (int n = deadLetters.size(); n > 0; n--) {
        DeadLetter d = deadLetters.pollFirst();
        Deque<String> q;
        try {
          q = queues.get(AlertQueues.clamp(AlertEventJson.read(d.raw()).priority()));
        } catch (IllegalArgumentException e) {
          deadLetters.addLast(d); // not an event: replaying cannot help
          continue;
        }
        if (q.size() >= capacity) {
          deadLetters.addLast(d);
          continue;
        }
        q.addLast(d.raw());
        replayed++;
      }
      if (replayed > 0) {
        notEmpty.signalAll();
      }
      return replayed;
    } finally {
      lock.unlock();
    }
  }

  /** Removes one dead letter (an operator dropped it); false when it is no longer there. */
  public boolean removeDeadLetter(DeadLetter d) {
    lock.lock();
    try {
      return deadLetters.remove(d);
    } finally {
      lock.unlock();
    }
  }

  /** Puts one dead letter back at the end of its queue; false when it is gone, not an event, or the queue is full. */
  public boolean replayDeadLetter(DeadLetter d) {
    lock.lock();
    try {
      Deque<String> q;
      try {
        q = queues.get(AlertQueues.clamp(AlertEventJson.read(d.raw()).priority()));
      } catch (IllegalArgumentException e) {
        return false;
      }
      if (q.size() >= capacity || !deadLetters.remove(d)) {
        return false;
      }
      q.addLast(d.raw());
      notEmpty.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  public int size() {
    lock.lock();
    try {
      return queues.stream().mapToInt(Deque::size).sum();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean healthy() {
    return true;
  }

  /** Waits for an event without a timeout limit beyond {@code wait}; convenience for tests. */
  public Delivery poll(long wait, TimeUnit unit) throws InterruptedException {
    return take(Duration.ofNanos(unit.toNanos(wait)));
  }
}
