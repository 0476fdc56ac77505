package io.peregrine.sender.lifecycle;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.model.SilenceFields;
import io.peregrine.sender.message.MessageFormatter;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One silence from hbs, compiled: it silences an event while {@code startsAt <= now < endsAt} and every matcher
 * matches. The rules are hbs's ({@code io.peregrine.hbs.silence.SilenceRules}): a regex must match the whole field
 * ({@link java.util.regex.Matcher#matches()}), a tag the event lacks reads as the empty text, {@code strategyId} /
 * {@code expressionId} read as the empty text on an event of the other kind, {@code priority} is the digit 0..6.
 *
 * @param startsAt unix seconds, inclusive
 * @param endsAt unix seconds, exclusive
 */
public record SilenceMatcher(long id, List<Field> fields, long startsAt, long endsAt, String author,
    String comment) {

  /** One compiled matcher: the field's name, and the equality text or the pattern. */
  public record Field(String name, String value, Pattern pattern) {
    boolean matches(AlertEvent e) {
      String actual = read(e, name);
      return pattern != null ? pattern.matcher(actual).matches() : value.equals(actual);
    }
  }

  public SilenceMatcher {
    fields = List.copyOf(fields);
  }

  /**
   * Compiles one matcher; a name or regex hbs would not have stored is refused, so a silence written around hbs (by
   * SQL) cannot silence more than it says.
   *
   * @throws IllegalArgumentException naming the matcher and why
   */
  public static Field field(String name, String value, boolean regex) {
    if (!SilenceFields.known(name)) {
      throw new IllegalArgumentException("unknown matcher name '" + name + "'");
    }
    if (!regex) {
      return new Field(name, value, null);
    }
    try {
      return new Field(name, value, Pattern.compile(value));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("matcher " + name + ": not a valid regular expression: "
          + e.getDescription() + " in '" + value + "'");
    }
  }

  public boolean activeAt(long nowSeconds) {
    return startsAt <= nowSeconds && nowSeconds < endsAt;
  }

  /** True when this silence is on at {@code nowSeconds} and every matcher matches the event. */
  public boolean silences(AlertEvent e, long nowSeconds) {
    if (!activeAt(nowSeconds) || fields.isEmpty()) {
      return false;
    }
    for (Field f : fields) {
      if (!f.matches(e)) {
        return false;
      }
    }
    return true;
  }

  static String read(AlertEvent e, String name) {
    return switch (name) {
      case "endpoint" -> e.endpoint() == null ? "" : e.endpoint();
      case "metric" -> MessageFormatter.metricOf(e);
      case "strategyId" -> e.strategy() == null ? "" : Long.toString(e.strategy().id());
      case "expressionId" -> e.expression() == null ? "" : Long.toString(e.expression().id());
      case "priority" -> Integer.toString(MessageFormatter.priorityOf(e));
      default -> {
        String tag = e.pushedTags() == null ? null : e.pushedTags().get(name.substring(SilenceFields.TAG_PREFIX.length()));
        yield tag == null ? "" : tag;
      }
    };
  }
}
