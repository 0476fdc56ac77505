package io.peregrine.judge.expr;

/**
 * A multi-metric expression as judge config ({@code judge.multiMetric}) and rule test files ({@code multiMetric:})
 * write it. Its events have the id {@code m_<id>_<md5 hex of the endpoint>}.
 *
 * @param id unique among these rules and hbs's expression ids (a config rule wins over an hbs row of the same id)
 * @param rule {@code [function:] expression}, e.g. {@code all(#3): mem.memused / mem.memtotal * 100 > 90}
 * @param maxStep most PROBLEM events in a row (0 = never send); default 3
 * @param priority 0 (most urgent) .. 6; default 2
 * @param note put in events
 * @param actionId the action (receivers) the sender resolves through hbs; default 0 (none)
 * @param staleSteps an input whose newest sample is more than this many of its steps older than the sample being
 *     judged is stale, and the result unknown; default 2
 * @param pause true = not judged; default false
 */
public record ExprRuleDef(long id, String rule, Integer maxStep, Integer priority, String note, Long actionId,
    Integer staleSteps, Boolean pause) {
  public static final int DEFAULT_MAX_STEP = 3;
  public static final int DEFAULT_PRIORITY = 2;
  /** Two steps: one late sample of an input does not make the result unknown, a stopped input soon does. */
  public static final int DEFAULT_STALE_STEPS = 2;
  public static final int MAX_STALE_STEPS = 1_000;

  public ExprRuleDef(long id, String rule) {
    this(id, rule, null, null, null, null, null, null);
  }

  boolean paused() {
    return Boolean.TRUE.equals(pause);
  }

  long action() {
    return actionId == null ? 0 : actionId;
  }
}
