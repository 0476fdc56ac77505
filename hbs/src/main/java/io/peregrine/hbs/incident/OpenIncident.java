package io.peregrine.hbs.incident;

/**
 * An incident whose last {@code opened} entry has no later {@code opened} or {@code recovered} one: what is in
 * PROBLEM now, as the senders' history tells it.
 *
 * @param openedAt unix ms of the {@code opened} entry
 * @param lastAt unix ms of the newest entry of this incident
 * @param lastStep the highest step recorded since it opened
 * @param acknowledgedBy who acknowledged it first since it opened, or null
 * @param silenced the last {@code silenced} entry's detail since it opened (which silence), or null
 */
public record OpenIncident(String eventId, long openedAt, String endpoint, String metric, int priority,
    long lastAt, int lastStep, int notified, String acknowledgedBy, Long acknowledgedAt, String ackComment,
    String silenced) {

  /** {@code s_17_<md5>} -> 17, else 0. */
  public long strategyId() {
    return idAfter("s_");
  }

  /** {@code e_4_<md5>} -> 4, else 0. */
  public long expressionId() {
    return idAfter("e_");
  }

  private long idAfter(String prefix) {
    if (!eventId.startsWith(prefix)) {
      return 0;
    }
    int end = eventId.indexOf('_', prefix.length());
    try {
      return Long.parseLong(eventId.substring(prefix.length(), end < 0 ? eventId.length() : end));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
