package io.peregrine.hbs.silence;

import io.peregrine.common.model.SilenceFields;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What a silence may say, checked before it is stored; the sender matches with the same rules
 * ({@code io.peregrine.sender.lifecycle.SilenceMatcher}). Each problem names its field
 * ({@code matchers[2].value}) so a client can point at it. Limits keep one silence cheap to match against every
 * event: at most {@value #MAX_MATCHERS} matchers, values of at most {@value #MAX_VALUE_LENGTH} characters, tag keys
 * of at most {@value #MAX_TAG_KEY_LENGTH}, a comment of at most {@value #MAX_COMMENT_LENGTH}, and at most
 * {@value #MAX_DURATION_SECONDS} seconds (a year) from start to end.
 */
public final class SilenceRules {
  public static final int MAX_MATCHERS = 16;
  public static final int MAX_VALUE_LENGTH = 255;
  public static final int MAX_TAG_KEY_LENGTH = 128;
  public static final int MAX_COMMENT_LENGTH = 1024;
  public static final long MAX_DURATION_SECONDS = 366L * 24 * 3600;
  /** Silences not yet ended that hbs hands to senders in one answer (and that may exist at once). */
  public static final int MAX_LIVE_SILENCES = 10_000;
  static final List<String> FIELDS = SilenceFields.NAMES;
  private static final String TAG_PREFIX = SilenceFields.TAG_PREFIX;

  /** One bad field and what is wrong with it. */
  public record Problem(String field, String message) {
  }

  private SilenceRules() {}

  /** Every problem of these matchers; empty when they may be stored. */
  public static List<Problem> check(List<Matcher> matchers) {
    List<Problem> out = new ArrayList<>();
    if (matchers == null || matchers.isEmpty()) {
      out.add(new Problem("matchers", "needs at least one matcher (a silence of everything is refused)"));
      return out;
    }
    if (matchers.size() > MAX_MATCHERS) {
      out.add(new Problem("matchers", "has " + matchers.size() + " matchers; at most " + MAX_MATCHERS));
      return out;
    }
    boolean selective = false;
    for (int i = 0; i < matchers.size(); i++) {
      Matcher m = matchers.get(i);
      String at = "matchers[" + i + "]";
      if (m == null) {
        out.add(new Problem(at, "is null"));
        continue;
      }
      checkName(at + ".name", m.name(), out);
      if (m.value() == null) {
        out.add(new Problem(at + ".value", "is required"));
        continue;
      }
      if (m.value().length() > MAX_VALUE_LENGTH) {
        out.add(new Problem(at + ".value", "is " + m.value().length() + " characters long; at most "
            + MAX_VALUE_LENGTH));
        continue;
      }
      if (m.regex()) {
        try {
          selective |= !Pattern.compile(m.value()).matcher("").matches();
        } catch (PatternSyntaxException e) {
          out.add(new Problem(at + ".value", "is not a valid regular expression: " + e.getDescription()
              + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "") + " in '" + m.value() + "'"));
        }
      } else {
        selective |= !m.value().isEmpty();
      }
    }
    if (out.isEmpty() && !selective) {
      // only matchers that also match the empty text would silence nearly everything (Alertmanager refuses it too)
      out.add(new Problem("matchers", "every matcher matches the empty text; at least one must not"));
    }
    return out;
  }

  private static void checkName(String field, String name, List<Problem> out) {
    if (name == null || name.isEmpty()) {
      out.add(new Problem(field, "is required"));
    } else if (name.startsWith(TAG_PREFIX)) {
      String key = name.substring(TAG_PREFIX.length());
      if (key.isEmpty() || key.length() > MAX_TAG_KEY_LENGTH || key.chars().anyMatch(c -> c < 0x21 || c == '='
          || c == ',')) {
        out.add(new Problem(field, "'" + name + "': the tag key must be 1.." + MAX_TAG_KEY_LENGTH
            + " characters without spaces, '=' or ','"));
      }
    } else if (!FIELDS.contains(name)) {
      out.add(new Problem(field, "'" + name + "' is not a matcher name (use " + String.join(", ", FIELDS)
          + " or tags.<key>)"));
    }
  }

  /** Problems of the time window and comment. */
  public static List<Problem> checkWindow(long startsAt, long endsAt, String comment) {
    List<Problem> out = new ArrayList<>();
    if (startsAt < 0) {
      out.add(new Problem("startsAt", "must not be negative (unix seconds), got " + startsAt));
    }
    if (endsAt <= startsAt) {
      out.add(new Problem("endsAt", "must be after startsAt (" + startsAt + "), got " + endsAt));
    } else if (endsAt - startsAt > MAX_DURATION_SECONDS) {
      out.add(new Problem("endsAt", "is more than " + MAX_DURATION_SECONDS + " s (a year) after startsAt"));
    }
    if (comment != null && comment.length() > MAX_COMMENT_LENGTH) {
      out.add(new Problem("comment", "is " + comment.length() + " characters long; at most " + MAX_COMMENT_LENGTH));
    }
    return out;
  }
}
