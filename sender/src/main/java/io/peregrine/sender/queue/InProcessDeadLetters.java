package io.peregrine.sender.queue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peregrine.common.event.InProcessAlertQueue;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The dead letters of all-in-one's in-process queue: its newest 1,000, kept in memory with their reasons, in the
 * same JSON shape as the Redis dead-letter list.
 */
public final class InProcessDeadLetters implements DeadLetters {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final InProcessAlertQueue queue;

  public InProcessDeadLetters(InProcessAlertQueue queue) {
    this.queue = queue;
  }

  @Override
  public List<String> list(int max) {
    List<InProcessAlertQueue.DeadLetter> all = new ArrayList<>(queue.deadLetterEntries());
    Collections.reverse(all);
    List<String> out = new ArrayList<>();
    for (InProcessAlertQueue.DeadLetter d : all.subList(0, Math.min(Math.max(max, 0), all.size()))) {
      out.add(wrap(d));
    }
    return out;
  }

  private static String wrap(InProcessAlertQueue.DeadLetter d) {
    ObjectNode w = JSON.createObjectNode();
    try {
      w.set("event", JSON.readTree(d.raw()));
    } catch (IOException e) {
      w.put("event", d.raw());
    }
    w.put("reason", d.reason());
    w.put("failedAt", Instant.ofEpochMilli(d.failedAtMillis()).toString());
    return w.toString();
  }

  private java.util.Optional<InProcessAlertQueue.DeadLetter> entry(String id) {
    return queue.deadLetterEntries().stream().filter(d -> DeadLetters.idOf(wrap(d)).equals(id)).findFirst();
  }

  @Override
  public java.util.Optional<String> find(String id) {
    return entry(id).map(InProcessDeadLetters::wrap);
  }

  @Override
  public boolean replay(String id) {
    return entry(id).map(queue::replayDeadLetter).orElse(false);
  }

  @Override
  public boolean drop(String id) {
    return entry(id).map(queue::removeDeadLetter).orElse(false);
  }

  @Override
  public int dropAll() {
    int n = 0;
    for (InProcessAlertQueue.DeadLetter d : queue.deadLetterEntries()) {
      if (queue.removeDeadLetter(d)) {
        n++;
      }
    }
    return n;
  }

  @Override
  public int replayAll() {
    return queue.replayDeadLetters();
  }
}
