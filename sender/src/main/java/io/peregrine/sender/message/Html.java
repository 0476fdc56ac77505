package io.peregrine.sender.message;

import io.peregrine.common.event.AlertEvent;
import java.util.List;

/** The HTML part of a mail: the same facts as the text part, as a table, every value escaped. */
final class Html {
  private Html() {}

  static String single(MessageFormatter f, AlertEvent e, String remark) {
    return single(f, e, remark, "");
  }

  static String single(MessageFormatter f, AlertEvent e, String remark, String ackLink) {
    StringBuilder b = open(f.sms(e));
    b.append("<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\">");
    row(b, "Status", EventText.text(e.status()));
    row(b, "Priority", "P" + EventText.priority(e));
    row(b, "Endpoint", EventText.text(e.endpoint()));
    row(b, "Metric", EventText.metric(e));
    row(b, "Tags", EventText.sortedTags(e.pushedTags()));
    row(b, EventText.text(e.func()), f.condition(e));
    row(b, "Note", EventText.text(e.note()));
    row(b, "Step", "Max:" + e.maxStep() + ", Current:" + e.currentStep());
    row(b, "Time", f.time(e));
    if (remark != null && !remark.isEmpty()) {
      row(b, "Remark", remark);
    }
    b.append("</table>");
    if (ackLink != null && !ackLink.isEmpty()) {
      b.append("<p><a href=\"").append(escape(ackLink)).append("\">Acknowledge</a></p>");
    }
    String link = f.link(e);
    if (!link.isEmpty()) {
      b.append("<p><a href=\"").append(escape(link)).append("\">").append(escape(link)).append("</a></p>");
    }
    return close(b);
  }

  static String digest(MessageFormatter f, String title, List<AlertEvent> events) {
    StringBuilder b = open(title);
    b.append("<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\"><tr>");
    for (String h : new String[] {"Status", "Priority", "Endpoint", "Metric", "Tags", "Condition", "Note", "Step",
        "Time"}) {
      b.append("<th>").append(h).append("</th>");
    }
    b.append("</tr>");
    for (AlertEvent e : events) {
      b.append("<tr>");
      for (String v : new String[] {EventText.text(e.status()), "P" + EventText.priority(e),
          EventText.text(e.endpoint()), EventText.metric(e), EventText.sortedTags(e.pushedTags()),
          EventText.text(e.func()) + ": " + f.condition(e), EventText.text(e.note()),
          e.currentStep() + "/" + e.maxStep(), f.time(e)}) {
        b.append("<td>").append(escape(v)).append("</td>");
      }
      b.append("</tr>");
    }
    b.append("</table>");
    return close(b);
  }

  private static StringBuilder open(String title) {
    return new StringBuilder(1024).append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
        .append(escape(title)).append("</title></head><body><p>").append(escape(title)).append("</p>");
  }

  private static String close(StringBuilder b) {
    return b.append("</body></html>").toString();
  }

  private static void row(StringBuilder b, String k, String v) {
    b.append("<tr><th align=\"left\">").append(escape(k)).append("</th><td>").append(escape(v)).append("</td></tr>");
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
