package io.peregrine.sender.message;

import io.peregrine.common.event.AlertEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Writes an event's texts in Open-Falcon's shapes, so people and scripts reading its alerts see the same thing.
 *
 * <p>SMS and IM: {@code [P<priority>][<status>][<endpoint>][][<note> <func> <metric> <tags> <left><op><right>][O<step>
 * <time>]}, e.g. {@code [P0][PROBLEM][host1][][note all(#3) cpu.idle k=v 3<10][O1 2026-11-22 10:00:00]}. The empty
 * fourth bracket is Open-Falcon's (it once held the host group); an event without tags shows two spaces between the
 * metric and the values, as Open-Falcon's does. {@code O<n>} is the current step: the n-th notice of this problem.
 *
 * <p>Mail: the subject is the SMS text; the body has one item per CRLF-ended line: status, {@code P<priority>},
 * {@code Endpoint:}, {@code Metric:}, {@code Tags:}, {@code <func>: <left><op><right>}, {@code Note:},
 * {@code Max:<maxStep>, Current:<step>}, {@code Timestamp:}, then a dashboard link when a dashboard URL is set.
 *
 * <p>Times are {@code yyyy-MM-dd HH:mm:ss} of the event time in the configured zone (Open-Falcon used the server's).
 */
public final class MessageFormatter {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final DateTimeFormatter time;
  private final String dashboardUrl;

  /** @param dashboardUrl base URL of the portal for the mail's link, or empty for no link */
  public MessageFormatter(ZoneId zone, String dashboardUrl) {
    this.time = TIME.withZone(zone);
    this.dashboardUrl = dashboardUrl == null ? "" : stripSlash(dashboardUrl);
  }

  /** The priority messages show and channels go by: Open-Falcon's (strategy's or expression's), else the event's. */
  public static int priorityOf(AlertEvent e) {
    return EventText.priority(e);
  }

  /** The event's metric: its own field, else its strategy's (as the texts show it). */
  public static String metricOf(AlertEvent e) {
    return EventText.metric(e);
  }

  public Messages render(AlertEvent e) {
    return render(e, "");
  }

  /**
   * The texts of one event; a non-empty {@code remark} (e.g. "its PROBLEM was not delivered") is appended to the
   * SMS text in brackets and as a {@code Remark:} line of the mail.
   */
  public Messages render(AlertEvent e, String remark) {
    return render(e, remark, "");
  }

  /**
   * As {@link #render(AlertEvent, String)}, with a non-empty {@code ackLink} (docs/ALERTING.md) added to the IM
   * text in brackets, to the mail as an {@code Acknowledge:} line and to its HTML part as a link; SMS and the
   * subject stay Open-Falcon's.
   */
  public Messages render(AlertEvent e, String remark, String ackLink) {
    String sms = sms(e);
    String body = mailBody(e);
    if (remark != null && !remark.isEmpty()) {
      sms = sms + "[" + remark + "]";
      body = body + "Remark:" + remark + "\r\n";
    }
    String im = sms;
    if (ackLink != null && !ackLink.isEmpty()) {
      im = sms + "[acknowledge: " + ackLink + "]";
      body = body + "Acknowledge:" + ackLink + "\r\n";
    }
    return new Messages(sms, im, sms, body, Html.single(this, e, remark, ackLink));
  }

  /**
   * The texts of a digest: SMS and IM are a count line and the first {@code lines} SMS texts (then how many more),
   * the mail one table of all events (text and HTML).
   *
   * @param heldBack true when the events were held back by the rate limit rather than merged by priority
   */
  public Messages digest(java.util.List<AlertEvent> events, int lines, boolean heldBack) {
    long problems = events.stream().filter(AlertEvent::isProblem).count();
    long oks = events.size() - problems;
    int minP = events.stream().mapToInt(EventText::priority).min().orElse(0);
    int maxP = events.stream().mapToInt(EventText::priority).max().orElse(0);
    String range = minP == maxP ? "P" + minP : "P" + minP + "-P" + maxP;
    String count = events.size() + (events.size() == 1 ? " alert" : " alerts") + " (" + problems + " PROBLEM, "
        + oks + " OK)" + (heldBack ? ", held back by the rate limit" : "");
    StringBuilder sms = new StringBuilder("[" + range + "][DIGEST][" + count + "]");
    int shown = Math.min(lines, events.size());
    for (int i = 0; i < shown; i++) {
      sms.append('\n').append(sms(events.get(i)));
    }
    if (events.size() > shown) {
      sms.append("\n... and ").append(events.size() - shown).append(" more");
    }
    String subject = "[" + range + "][DIGEST] " + count;
    StringBuilder body = new StringBuilder();
    line(body, subject);
    line(body, "");
    line(body, "Status | Priority | Endpoint | Metric | Tags | Condition | Note | Step | Time");
    for (AlertEvent e : events) {
      line(body, EventText.text(e.status()) + " | P" + EventText.priority(e) + " | " + EventText.text(e.endpoint())
          + " | " + EventText.metric(e) + " | " + EventText.sortedTags(e.pushedTags()) + " | "
          + EventText.text(e.func()) + ": " + condition(e) + " | " + EventText.text(e.note()) + " | "
          + e.currentStep() + "/" + e.maxStep() + " | " + time(e));
    }
    String text = sms.toString();
    return new Messages(text, text, subject, body.toString(), Html.digest(this, subject, events));
  }

  public String sms(AlertEvent e) {
    return "[P" + EventText.priority(e) + "][" + EventText.text(e.status()) + "][" + EventText.text(e.endpoint())
        + "][][" + EventText.text(e.note()) + " " + EventText.text(e.func()) + " " + EventText.metric(e) + " "
        + EventText.sortedTags(e.pushedTags()) + " " + condition(e) + "][O" + e.currentStep() + " " + time(e) + "]";
  }

  public String mailBody(AlertEvent e) {
    StringBuilder b = new StringBuilder(256);
    line(b, EventText.text(e.status()));
    line(b, "P" + EventText.priority(e));
    line(b, "Endpoint:" + EventText.text(e.endpoint()));
    line(b, "Metric:" + EventText.metric(e));
    line(b, "Tags:" + EventText.sortedTags(e.pushedTags()));
    line(b, EventText.text(e.func()) + ": " + condition(e));
    line(b, "Note:" + EventText.text(e.note()));
    line(b, "Max:" + e.maxStep() + ", Current:" + e.currentStep());
    line(b, "Timestamp:" + time(e));
    String link = link(e);
    if (!link.isEmpty()) {
      line(b, link);
    }
    return b.toString();
  }

  /** Open-Falcon's portal link: the strategy's template page, or the expression's page. */
  String link(AlertEvent e) {
    if (dashboardUrl.isEmpty()) {
      return "";
    }
    if (e.strategy() != null && e.strategy().tpl() != null && e.strategy().tpl().id() != 0) {
      return dashboardUrl + "/portal/template/view/" + e.strategy().tpl().id();
    }
    if (e.expression() != null && e.expression().id() != 0) {
      return dashboardUrl + "/portal/expression/view/" + e.expression().id();
    }
    return "";
  }

  /**
   * The parameters Open-Falcon's alarm sends an action's callback URL (its {@code Callback()}), in its order:
   * endpoint, metric, status, step, priority, time, tpl_id, exp_id, stra_id, left_value, tags ({@code k:v,k2:v2},
   * sorted by key here; Go's map order was random).
   */
  public java.util.Map<String, String> callbackFields(AlertEvent e) {
    java.util.Map<String, String> f = new java.util.LinkedHashMap<>();
    f.put("endpoint", EventText.text(e.endpoint()));
    f.put("metric", EventText.metric(e));
    f.put("status", EventText.text(e.status()));
    f.put("step", String.valueOf(e.currentStep()));
    f.put("priority", String.valueOf(EventText.priority(e)));
    f.put("time", time(e));
    f.put("tpl_id", String.valueOf(e.strategy() != null && e.strategy().tpl() != null ? e.strategy().tpl().id() : 0));
    f.put("exp_id", String.valueOf(e.expression() != null ? e.expression().id() : 0));
    f.put("stra_id", String.valueOf(e.strategy() != null ? e.strategy().id() : 0));
    f.put("left_value", EventText.readable(e.leftValue()));
    StringBuilder tags = new StringBuilder();
    if (e.pushedTags() != null) {
      new java.util.TreeMap<>(e.pushedTags()).forEach((k, v) -> tags.append(tags.length() == 0 ? "" : ",")
          .append(k).append(':').append(EventText.text(v)));
    }
    f.put("tags", tags.toString());
    return f;
  }

  String condition(AlertEvent e) {
    return EventText.readable(e.leftValue()) + EventText.text(e.operator()) + EventText.readable(e.rightValue());
  }

  String time(AlertEvent e) {
    return time.format(Instant.ofEpochSecond(e.eventTime()));
  }

  private static void line(StringBuilder b, String s) {
    b.append(s).append("\r\n");
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
