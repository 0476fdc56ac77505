package io.peregrine.graph.prom;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A PromQL instant vector selector, the only expression graph's Prometheus API evaluates:
 * {@code metric}, {@code metric{l="v", l2=~"re", l3!="x", l4!~"re"}} or {@code {__name__="metric", ...}}.
 * Regular expressions are anchored at both ends, as in Prometheus. Anything else (functions, operators, range
 * vectors, offsets, numbers) is refused with a message saying what graph supports.
 */
final class Selector {
  static final String UNSUPPORTED = "graph's Prometheus API evaluates instant vector selectors only, such as "
      + "cpu_idle{endpoint=\"host1\",iface=~\"eth.*\"}; PromQL functions, operators, aggregations, range vectors "
      + "and offsets are not supported (counters are already stored as per-second rates: no rate() is needed)";

  enum Op { EQ, NE, RE, NRE }

  record Matcher(String label, Op op, String value, Pattern pattern) {
    boolean matches(String actual) {
      String v = actual == null ? "" : actual;
      return switch (op) {
        case EQ -> v.equals(value);
        case NE -> !v.equals(value);
        case RE -> pattern.matcher(v).matches();
        case NRE -> !pattern.matcher(v).matches();
      };
    }
  }

  final List<Matcher> matchers;

  private Selector(List<Matcher> matchers) {
    this.matchers = matchers;
  }

  /** The metric name when the selector names one exactly, else null. */
  String exactName() {
    for (Matcher m : matchers) {
      if (m.label().equals("__name__") && m.op() == Op.EQ) {
        return m.value();
      }
    }
    return null;
  }

  boolean matches(Map<String, String> labels) {
    for (Matcher m : matchers) {
      if (!m.matches(labels.get(m.label()))) {
        return false;
      }
    }
    return true;
  }

  /** @throws IllegalArgumentException saying what is wrong or unsupported */
  static Selector parse(String text) {
    Parser p = new Parser(text.trim());
    List<Matcher> matchers = new ArrayList<>();
    String name = p.identifier(true);
    if (!name.isEmpty()) {
      matchers.add(new Matcher("__name__", Op.EQ, name, null));
    }
    p.skipSpaces();
    if (p.peek() == '{') {
      p.pos++;
      p.skipSpaces();
      while (p.peek() != '}') {
        String label = p.identifier(false);
        if (label.isEmpty()) {
          throw p.error("a label name");
        }
        p.skipSpaces();
        Op op = p.op();
        p.skipSpaces();
        String value = p.string();
        Pattern pattern = null;
        if (op == Op.RE || op == Op.NRE) {
          try {
            pattern = Pattern.compile(value);
          } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid regular expression for label " + label + ": "
                + e.getDescription());
          }
        }
        matchers.add(new Matcher(label, op, value, pattern));
        p.skipSpaces();
        if (p.peek() == ',') {
          p.pos++;
          p.skipSpaces();
        } else if (p.peek() != '}') {
          throw p.error("',' or '}'");
        }
      }
      p.pos++;
    } else if (name.isEmpty()) {
      throw new IllegalArgumentException(UNSUPPORTED);
    }
    p.skipSpaces();
    if (p.pos != p.text.length()) {
      throw new IllegalArgumentException(UNSUPPORTED + "; could not read '" + p.text.substring(p.pos) + "'");
    }
    if (matchers.isEmpty() || matchers.stream().allMatch(m -> m.matches(""))) {
      throw new IllegalArgumentException("vector selector must contain at least one non-empty matcher");
    }
    return new Selector(matchers);
  }

  private static final class Parser {
    final String text;
    int pos;

    Parser(String text) {
      this.text = text;
    }

    char peek() {
      return pos < text.length() ? text.charAt(pos) : '\0';
    }

    void skipSpaces() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }

    String identifier(boolean metric) {
      int start = pos;
      while (pos < text.length()) {
        char c = text.charAt(pos);
        boolean ok = Character.isLetter(c) && c < 128 || c == '_' || (metric && c == ':')
            || (pos > start && c >= '0' && c <= '9');
        if (!ok) {
          break;
        }
        pos++;
      }
      return text.substring(start, pos);
    }

    Op op() {
      if (text.startsWith("=~", pos)) {
        pos += 2;
        return Op.RE;
      }
      if (text.startsWith("!~", pos)) {
        pos += 2;
        return Op.NRE;
      }
      if (text.startsWith("!=", pos)) {
        pos += 2;
        return Op.NE;
      }
      if (peek() == '=') {
        pos++;
        return Op.EQ;
      }
      throw error("a matcher operator (=, !=, =~, !~)");
    }

    String string() {
      char quote = peek();
      if (quote != '"' && quote != '\'' && quote != '`') {
        throw error("a quoted label value");
      }
      pos++;
      StringBuilder out = new StringBuilder();
      while (pos < text.length() && text.charAt(pos) != quote) {
        char c = text.charAt(pos++);
        if (c == '\\' && quote != '`' && pos < text.length()) {
          char e = text.charAt(pos++);
          out.append(switch (e) {
            case 'n' -> '\n';
            case 't' -> '\t';
            default -> e;
          });
        } else {
          out.append(c);
        }
      }
      if (pos >= text.length()) {
        throw error("the closing quote");
      }
      pos++;
      return out.toString();
    }

    IllegalArgumentException error(String expected) {
      return new IllegalArgumentException("parse error at char " + (pos + 1) + ": expected " + expected + " in '"
          + text + "'");
    }
  }
}
