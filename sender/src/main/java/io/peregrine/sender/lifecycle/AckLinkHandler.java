package io.peregrine.sender.lifecycle;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.peregrine.common.event.AlertQueueException;
import io.peregrine.common.server.HttpExchanges;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The page behind an acknowledgement link ({@link AckLinks}), for people reading a mail or an IM, so it answers
 * HTML. {@code GET /ack?id&exp&sig} checks the link and shows the incident with a form (name, comment);
 * only its {@code POST} acknowledges, because mail scanners and link previews open every link in a message. A link
 * that was changed answers 403, one past its time 410, an incident that is no longer open 404, each with a page
 * that says so; nothing is acknowledged by any of them. The page needs no token: the signature is the permission.
 * Answers carry {@code Cache-Control: no-store} and {@code Referrer-Policy: no-referrer} (the link is a secret).
 */
public final class AckLinkHandler implements HttpHandler {
  public static final String PATH = "/ack";

  private final AckLinks links;
  private final IncidentStore store;
  private final Clock clock;
  private final IncidentHistory history;

  /** @param links null when links are off: every request answers 404 saying so */
  public AckLinkHandler(AckLinks links, IncidentStore store, Clock clock, IncidentHistory history) {
    this.history = history;
    this.links = links;
    this.store = store;
    this.clock = clock;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    if (links == null || store == null) {
      page(ex, 404, "Acknowledgement links are off", "This sender has no acknowledgement secret configured.");
      return;
    }
    boolean post = "POST".equalsIgnoreCase(ex.getRequestMethod());
    if (!post && !"GET".equalsIgnoreCase(ex.getRequestMethod())) {
      ex.getResponseHeaders().set("Allow", "GET, POST");
      page(ex, 405, "Method not allowed", "Open the link, then use the button on the page.");
      return;
    }
    Map<String, String> p;
    try {
      p = post ? form(ex) : HttpExchanges.query(ex);
    } catch (HttpExchanges.BodyTooLargeException e) {
      page(ex, 413, "Too much text", "The name and comment are limited to " + AckRequest.MAX_BODY_BYTES + " bytes.");
      return;
    }
    String id = p.get("id");
    switch (links.check(id, p.get("exp"), p.get("sig"), clock.millis() / 1000)) {
      case TAMPERED -> {
        page(ex, 403, "This link is not valid", "The link was changed or is incomplete. Nothing was acknowledged; "
            + "open the link exactly as it came in the message.");
        return;
      }
      case EXPIRED -> {
        page(ex, 410, "This link has expired", "Acknowledgement links work for a limited time. Nothing was "
            + "acknowledged; use a newer message or the API.");
        return;
      }
      case VALID -> {
        // answered below
      }
    }
    if (AckRequest.badId(id) != null) {
      page(ex, 400, "This link is not valid", AckRequest.badId(id));
      return;
    }
    try {
      Optional<IncidentStore.Incident> incident = store.find(id);
      if (incident.isEmpty()) {
        page(ex, 404, "No open incident", "Incident " + id + " is not open: it recovered, or was never seen. "
            + "Nothing was acknowledged.");
        return;
      }
      if (!post) {
        showForm(ex, incident.get(), p);
        return;
      }
      String by = p.get("by");
      String comment = p.getOrDefault("comment", "");
      String bad = AckRequest.badAck(by, comment);
      if (bad != null) {
        page(ex, 400, "Not acknowledged", bad + ". Go back and fill in the form.");
        return;
      }
      IncidentStore.AckResult r = store.acknowledge(id, new IncidentStore.Ack(by.strip(), clock.millis(), comment));
      switch (r.outcome()) {
        case ACKNOWLEDGED -> {
          history.record(IncidentHistory.acknowledged(incident.get(), r.ack(), "link"));
          page(ex, 200, "Acknowledged", "Incident " + id + " is acknowledged by " + by.strip()
            + ". Its repeats stop; its recovery will still be sent.");
        }
        case ALREADY -> page(ex, 409, "Already acknowledged", "Incident " + id + " was already acknowledged by "
            + r.ack().by() + ".");
        case NOT_OPEN -> page(ex, 404, "No open incident", "Incident " + id + " recovered meanwhile. Nothing was "
            + "acknowledged.");
      }
    } catch (AlertQueueException e) {
      page(ex, 503, "Try again later", "The incidents cannot be reached right now: " + e.getMessage());
    }
  }

  private static void showForm(HttpExchange ex, IncidentStore.Incident i, Map<String, String> p) throws IOException {
    StringBuilder b = new StringBuilder();
    b.append("<p>").append(esc(i.endpoint())).append(" ").append(esc(i.metric())).append(", P").append(i.priority())
        .append(", step ").append(i.lastStep()).append(" (incident ").append(esc(i.id())).append(")</p>");
    if (i.ack() != null) {
      b.append("<p>Already acknowledged by ").append(esc(i.ack().by())).append(".</p>");
    } else {
      b.append("<form method=\"post\" action=\"").append(PATH).append("\">");
      for (String k : new String[] {"id", "exp", "sig"}) {
        b.append("<input type=\"hidden\" name=\"").append(k).append("\" value=\"").append(esc(p.get(k)))
            .append("\">");
      }
      b.append("<p><label>Your name <input name=\"by\" maxlength=\"").append(AckRequest.MAX_BY_LENGTH)
          .append("\" required></label></p><p><label>Comment <input name=\"comment\" maxlength=\"")
          .append(AckRequest.MAX_COMMENT_LENGTH).append("\"></label></p>")
          .append("<p><button type=\"submit\">Acknowledge</button></p></form>");
    }
    send(ex, 200, "Acknowledge this incident", b.toString());
  }

  private static Map<String, String> form(HttpExchange ex) throws IOException {
    String raw = new String(HttpExchanges.readBody(ex, AckRequest.MAX_BODY_BYTES), StandardCharsets.UTF_8);
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        out.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // a broken escape: that field is left out, and the checks below refuse what is missing
      }
    }
    return out;
  }

  private static void page(HttpExchange ex, int status, String title, String text) throws IOException {
    send(ex, status, title, "<p>" + esc(text) + "</p>");
  }

  private static void send(HttpExchange ex, int status, String title, String body) throws IOException {
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
    ex.getResponseHeaders().set("X-Frame-Options", "DENY");
    HttpExchanges.send(ex, status, "text/html; charset=utf-8", "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
        + "<title>" + esc(title) + "</title></head><body><h1>" + esc(title) + "</h1>" + body + "</body></html>");
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
