package io.peregrine.hbs.escalation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** SQL on {@code action_escalation_step} and {@code action_escalation} (V24, V25). */
public final class EscalationRepository {
  private static final String STEPS = "SELECT action_id, step_no, after_minutes, team, channel "
      + "FROM action_escalation_step";

  /** The action's escalation; {@link Escalation#NONE} when it has none. */
  public Escalation find(Handle h, long actionId) {
    List<Escalation.Step> steps = h.createQuery(STEPS + " WHERE action_id = :a ORDER BY step_no").bind("a", actionId)
        .map((rs, ctx) -> new Escalation.Step(rs.getInt("after_minutes"), rs.getString("team"),
            rs.getString("channel"))).list();
    if (steps.isEmpty()) {
      return Escalation.NONE;
    }
    int repeat = h.createQuery("SELECT repeat_minutes FROM action_escalation WHERE action_id = :a")
        .bind("a", actionId).mapTo(Integer.class).findOne().orElse(0);
    return new Escalation(steps, repeat);
  }

  /** Every action's escalation, by action id (actions without one are absent). */
  public Map<Long, Escalation> all(Handle h) {
    Map<Long, List<Escalation.Step>> steps = new HashMap<>();
    h.createQuery(STEPS + " ORDER BY action_id, step_no").map((rs, ctx) -> Map.entry(rs.getLong("action_id"),
            new Escalation.Step(rs.getInt("after_minutes"), rs.getString("team"), rs.getString("channel"))))
        .forEach(e -> steps.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    Map<Long, Integer> repeats = new HashMap<>();
    h.createQuery("SELECT action_id, repeat_minutes FROM action_escalation")
        .map((rs, ctx) -> Map.entry(rs.getLong("action_id"), rs.getInt("repeat_minutes")))
        .forEach(e -> repeats.put(e.getKey(), e.getValue()));
    Map<Long, Escalation> out = new HashMap<>();
    steps.forEach((id, s) -> out.put(id, new Escalation(s, repeats.getOrDefault(id, 0))));
    return out;
  }

  /** Replaces the action's escalation with {@code e} (checked by the caller); an empty one removes it. */
  public void replace(Handle h, long actionId, Escalation e) {
    delete(h, actionId);
    if (e.isEmpty()) {
      return;
    }
    for (int i = 0; i < e.steps().size(); i++) {
      Escalation.Step s = e.steps().get(i);
      h.createUpdate("INSERT INTO action_escalation_step (action_id, step_no, after_minutes, team, channel) "
              + "VALUES (:a, :n, :m, :t, :c)").bind("a", actionId).bind("n", i).bind("m", s.afterMinutes())
          .bind("t", s.team()).bind("c", s.channel()).execute();
    }
    h.createUpdate("INSERT INTO action_escalation (action_id, repeat_minutes) VALUES (:a, :r)").bind("a", actionId)
        .bind("r", e.repeatMinutes()).execute();
  }

  /** @return true when the action had an escalation */
  public boolean delete(Handle h, long actionId) {
    h.createUpdate("DELETE FROM action_escalation WHERE action_id = :a").bind("a", actionId).execute();
    return h.createUpdate("DELETE FROM action_escalation_step WHERE action_id = :a").bind("a", actionId)
        .execute() > 0;
  }
}
