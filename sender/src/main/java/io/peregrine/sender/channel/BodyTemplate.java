package io.peregrine.sender.channel;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JSON body for an HTTP gateway that does not take Open-Falcon's form: the template is JSON in which
 * {@code ${tos}}, {@code ${content}} and {@code ${subject}} (inside string literals) are replaced by the values,
 * JSON-escaped, e.g. {@code {"to":"${tos}","text":"${content}"}}. Checked at start: a template that is not JSON once
 * filled in, or names an unknown placeholder, is refused with the reason.
 */
public final class BodyTemplate {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z]+)}");
  private static final java.util.Set<String> KNOWN = java.util.Set.of("tos", "content", "subject");
  private final String template;

  private BodyTemplate(String template) {
    this.template = template;
  }

  /** @return null for an empty template (the gateway takes the form) */
  public static BodyTemplate parse(String key, String template) {
    if (template == null || template.isBlank()) {
      return null;
    }
    Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      if (!KNOWN.contains(m.group(1))) {
        throw new IllegalArgumentException(key + ": unknown placeholder ${" + m.group(1) + "} (use ${tos}, "
            + "${content}, ${subject})");
      }
    }
    BodyTemplate t = new BodyTemplate(template);
    try {
      new ObjectMapper().readTree(t.render(Map.of("tos", "a\"b", "content", "x\ny", "subject", "s")));
    } catch (IOException e) {
      throw new IllegalArgumentException(key + " is not JSON once filled in (placeholders belong inside quotes): "
          + e.getMessage(), e);
    }
    return t;
  }

  /** The body with every placeholder replaced by its value, escaped for a JSON string; absent values are empty. */
  public String render(Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = values.getOrDefault(m.group(1), "");
      m.appendReplacement(out, Matcher.quoteReplacement(new String(JsonStringEncoder.getInstance().quoteAsString(v))));
    }
    m.appendTail(out);
    return out.toString();
  }
}
