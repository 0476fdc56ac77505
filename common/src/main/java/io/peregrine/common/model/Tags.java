package io.peregrine.common.model;

import io.peregrine.proto.v1.RejectCode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Canonical tag text: {@code k1=v1,k2=v2}, sorted by key, no spaces around items, no duplicate keys.
 * The canonical form is what travels on the wire and what the series key is made of.
 */
public final class Tags {
  private Tags() {}

  /** Thrown for tag text that cannot be made canonical; the message says which tag and why. */
  public static final class InvalidTagsException extends IllegalArgumentException {
    private final RejectCode code;

    InvalidTagsException(String message, RejectCode code) {
      super(message);
      this.code = code;
    }

    public RejectCode code() {
      return code;
    }
  }

  /**
   * Returns the canonical form of {@code text}: the same instance when it already is canonical (the common case
   * on the hot path costs one scan, no allocation).
   */
  public static String canonical(String text) {
    if (text == null || text.isEmpty()) {
      return "";
    }
    if (isCanonical(text)) {
      return text;
    }
    return format(parse(text));
  }

  /** Parses {@code k=v,k2=v2} (whitespace around items trimmed) into a key-sorted map. */
  public static TreeMap<String, String> parse(String text) {
    TreeMap<String, String> tags = new TreeMap<>();
    if (text == null || text.isBlank()) {
      return tags;
    }
    for (String item : text.split(",", -1)) {
      String pair = blanks(item);
      if (pair.isEmpty()) {
        continue; // "a=1,,b=2" and a trailing comma are harmless
      }
      int eq = pair.indexOf('=');
      if (eq < 0) {
        throw new InvalidTagsException("tag '" + pair + "' has no '=': write tags as k=v,k2=v2", RejectCode.BAD_TAGS);
      }
      String key = blanks(pair.substring(0, eq));
      String value = blanks(pair.substring(eq + 1));
      put(tags, key, value);
    }
    return tags;
  }

  /** Canonical text for a map of tags, checking each key and value. */
  public static String fromMap(Map<String, String> map) {
    TreeMap<String, String> tags = new TreeMap<>();
    for (Map.Entry<String, String> e : map.entrySet()) {
      put(tags, e.getKey() == null ? "" : blanks(e.getKey()), e.getValue() == null ? "" : blanks(e.getValue()));
    }
    return format(tags);
  }

  /** The tags as an insertion-ordered map (sorted, since canonical text is sorted). */
  public static Map<String, String> toMap(String canonical) {
    return new LinkedHashMap<>(parse(canonical));
  }

  /** True when every tag of {@code required} is present in {@code actual} with the same value. */
  public static boolean containsAll(String actual, String required) {
    if (required.isEmpty()) {
      return true;
    }
    Map<String, String> have = parse(actual);
    for (Map.Entry<String, String> e : parse(required).entrySet()) {
      if (!e.getValue().equals(have.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Trims spaces and tabs only: String.trim() would also cut NUL and other control characters at the ends, silently
   * accepting a tag the rules refuse.
   */
  private static String blanks(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
      start++;
    }
    while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
      end--;
    }
    return start == 0 && end == s.length() ? s : s.substring(start, end);
  }

  private static void put(TreeMap<String, String> tags, String key, String value) {
    if (key.isEmpty()) {
      throw new InvalidTagsException("tag with value '" + value + "' has an empty key", RejectCode.BAD_TAGS);
    }
    checkChars("tag key", key);
    checkChars("tag value", value);
    if (value.indexOf('=') >= 0) {
      throw new InvalidTagsException("tag value '" + value + "' contains '='", RejectCode.BAD_TAGS);
    }
    if (tags.put(key, value) != null) {
      throw new InvalidTagsException("tag key '" + key + "' appears twice", RejectCode.BAD_TAGS);
    }
    if (tags.size() > Limits.MAX_TAGS) {
      throw new InvalidTagsException("more than " + Limits.MAX_TAGS + " tags", RejectCode.BAD_TAGS);
    }
  }

  private static void checkChars(String what, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ',' || c == '=' || Character.isISOControl(c)) {
        throw new InvalidTagsException(what + " '" + printable(s) + "' contains a forbidden character "
            + describe(c) + " at position " + i, RejectCode.BAD_CHARACTER);
      }
    }
  }

  static String describe(char c) {
    return Character.isISOControl(c) ? String.format("U+%04X", (int) c) : "'" + c + "'";
  }

  public static String printable(String s) {
    StringBuilder out = new StringBuilder(Math.min(s.length(), 64));
    for (int i = 0; i < s.length() && i < 64; i++) {
      char c = s.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    return s.length() > 64 ? out + "..." : out.toString();
  }

  private static String format(TreeMap<String, String> tags) {
    if (tags.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> e : tags.entrySet()) {
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(e.getKey()).append('=').append(e.getValue());
    }
    return out.toString();
  }

  /** One pass: items are k=v with non-empty keys, no spaces, no control characters, keys strictly ascending. */
  static boolean isCanonical(String text) {
    int count = 0;
    int start = 0;
    String previousKey = null;
    int n = text.length();
    while (start <= n) {
      int end = text.indexOf(',', start);
      if (end < 0) {
        end = n;
      }
      int eq = -1;
      for (int i = start; i < end; i++) {
        char c = text.charAt(i);
        if (c == '=') {
          if (eq >= 0) {
            return false;
          }
          eq = i;
        } else if (c == ' ' || Character.isISOControl(c)) {
          return false;
        }
      }
      if (eq <= start) {
        return false;
      }
      String key = text.substring(start, eq);
      if (previousKey != null && previousKey.compareTo(key) >= 0) {
        return false;
      }
      previousKey = key;
      if (++count > Limits.MAX_TAGS) {
        return false;
      }
      start = end + 1;
    }
    return true;
  }
}
