package io.peregrine.sender.queue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peregrine.common.event.InProcessAlertQueue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The dead letters of all-in-one's in-process queue (its newest 1,000, kept in memory). That queue keeps only the
 * events, not why they failed: the reasons are in the log. It cannot replay.
 */
public final class InProcessDeadLetters implements DeadLetters {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final InProcessAlertQueue queue;

  public InProcessDeadLetters(InProcessAlertQueue queue) {
    this.queue = queue;
  }

  @Override
  public List<String> list(int max) {
    List<String> all = new ArrayList<>(queue.deadLetters());
    Collections.reverse(all);
    List<String> out = new ArrayList<>();
    for (String raw : all.subList(0, Math.min(Math.max(max, 0), all.size()))) {
      ObjectNode w = JSON.createObjectNode();
      try {
        w.set("event", JSON.readTree(raw));
      } catch (IOException e) {
        w.put("event", raw);
      }
      w.putNull("reason");
      out.add(w.toString());
    }
    return out;
  }

  @Override
  public int replayAll() {
    throw new UnsupportedOperationException("the in-process queue cannot replay dead letters; use Redis for that");
  }
}
