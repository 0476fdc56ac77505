package io.peregrine.judge.expr;

import io.peregrine.common.model.Tags;
import io.peregrine.judge.eval.JudgeFunction;
import io.peregrine.judge.eval.Operator;
import io.peregrine.judge.expr.ExprLexer.Token;
import io.peregrine.judge.expr.ExprLexer.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recursive-descent parser of multi-metric expressions (grammar and limits: docs/RULE-TESTS.md and judge/README.md):
 *
 * <pre>
 * rule       = [ function ":" ] expr                      all(#3): mem.memused / mem.memtotal * 100 > 90
 * expr       = and { "or" and }
 * and        = not { "and" not }
 * not        = "not" not | comparison
 * comparison = sum [ ( ">" | ">=" | "<" | "<=" | "==" | "!=" ) sum ]
 * sum        = product { ( "+" | "-" ) product }
 * product    = unary { ( "*" | "/" ) unary }
 * unary      = "-" unary | primary
 * primary    = number | reference | "(" expr ")"
 * reference  = ( name | '"' any-but-quote '"' ) [ "{" key "=" value { "," key "=" value } "}" ]
 * name       = ( letter | "_" ) { letter | digit | "_" | "." }
 * </pre>
 *
 * A rule whose top level is {@code value op number} applies its function to the series of {@code value} against
 * that threshold, exactly as a strategy does ({@code avg(#5): a / b * 100 > 90} averages the ratio). Any other rule
 * is a condition: its series is 1 (true) or 0 (false) and the function compares it with {@code == 1}. Without a
 * function the rule is {@code all(#1)}.
 */
public final class ExprParser {
  /** The hbs expression column is VARCHAR(1024). */
  public static final int MAX_LENGTH = 1024;
  /** Different (metric, tags) inputs of one rule: each costs a slot per endpoint. */
  public static final int MAX_REFERENCES = 16;
  /** Parentheses, unary minus and not, nested: bounds the parser's and the evaluator's recursion. */
  public static final int MAX_DEPTH = 32;

  private static final Pattern FUNCTION_PREFIX = Pattern.compile("\\s*([A-Za-z]+\\s*\\([^()]*\\))\\s*:");
  private static final Pattern CALC = Pattern.compile("\\s*calc\\s*\\((.*)\\)\\s*", Pattern.DOTALL);

  /**
   * A parsed rule.
   *
   * @param function applied over the value series
   * @param value the expression whose result series is judged
   * @param op the comparison the function uses
   * @param right the threshold
   * @param valueText the source text of {@code value}, reported as the events' metric
   * @param references the inputs, by slot
   */
  record Parsed(JudgeFunction function, Expr value, Operator op, double right, String valueText,
      List<Reference> references) {}

  private final String text;
  private final ExprLexer lexer;
  private Token tok;
  private int prevEnd;
  private int depth;
  private final Map<Reference, Integer> slots = new LinkedHashMap<>();

  private ExprParser(String text, int from) {
    this.text = text;
    this.lexer = new ExprLexer(text, from);
    this.tok = lexer.next();
    this.prevEnd = from;
  }

  /** True for hbs's expression column holding a multi-metric expression ({@code calc(...)}). */
  public static boolean isCalc(String expressionColumn) {
    return expressionColumn != null && expressionColumn.stripLeading().startsWith("calc");
  }

  /**
   * The text form {@code [function:] expr}, used in judge config and rule test files.
   *
   * @throws ExprSyntaxException pointing at the column; IllegalArgumentException for a function that cannot apply
   */
  static Parsed parseRule(String text) {
    checkLength(text);
    Matcher m = FUNCTION_PREFIX.matcher(text);
    JudgeFunction function;
    int from = 0;
    if (m.lookingAt()) {
      function = function(m.group(1), m.start(1) + 1);
      from = m.end();
    } else {
      function = JudgeFunction.parse("all(#1)");
    }
    ExprParser p = new ExprParser(text, from);
    Expr top = p.parseAll();
    if (top instanceof Expr.Cmp c && c.right() instanceof Expr.Num n) {
      return new Parsed(function, c.left(), c.op(), n.value(), text.substring(c.leftStart(), c.leftEnd()).trim(),
          p.references());
    }
    return new Parsed(function, top, Operator.EQ, 1, text.substring(from).trim(), p.references());
  }

  /**
   * hbs's form: the expression column {@code calc(expr)} with the row's func, operator and right value, meaning
   * {@code func: (expr) op right}. Columns in errors count from the start of the expression column.
   */
  static Parsed parseCalc(String expressionColumn, String func, String operator, double right) {
    checkLength(expressionColumn);
    Matcher m = CALC.matcher(expressionColumn);
    if (!m.matches()) {
      throw new ExprSyntaxException(1, "a multi-metric expression is calc(<expression>), got '"
          + expressionColumn + "'");
    }
    JudgeFunction function = function(func, 0);
    Operator op = Operator.parse(operator);
    if (op == null && function.kind() != JudgeFunction.Kind.STDDEV) {
      throw new IllegalArgumentException("operator '" + operator + "' is not one of == = != < <= > >=");
    }
    ExprParser p = new ExprParser(expressionColumn.substring(0, m.end(1)), m.start(1));
    Expr value = p.parseAll();
    return new Parsed(function, value, op, right, m.group(1).trim(), p.references());
  }

  private static void checkLength(String text) {
    if (text == null || text.isBlank()) {
      throw new ExprSyntaxException(1, "expected a metric name or number, found the end of the text");
    }
    if (text.length() > MAX_LENGTH) {
      throw new ExprSyntaxException(MAX_LENGTH + 1, "the rule is " + text.length() + " characters long; at most "
          + MAX_LENGTH);
    }
  }

  /** @param col where the function starts (0: it came from its own column) */
  private static JudgeFunction function(String text, int col) {
    JudgeFunction f;
    try {
      f = JudgeFunction.parse(text);
    } catch (IllegalArgumentException e) {
      throw col > 0 ? new ExprSyntaxException(col, e.getMessage()) : e;
    }
    if (f.kind() == JudgeFunction.Kind.NODATA) {
      String msg = "nodata does not apply to a multi-metric expression: put a nodata strategy on its inputs";
      throw col > 0 ? new ExprSyntaxException(col, msg) : new IllegalArgumentException(msg);
    }
    return f;
  }

  private List<Reference> references() {
    return List.copyOf(slots.keySet());
  }

  private Expr parseAll() {
    Expr e = parseOr();
    if (tok.type() != Type.END) {
      throw error("expected an operator, 'and', 'or' or the end, found " + tok.describe());
    }
    if (slots.isEmpty()) {
      throw new ExprSyntaxException(1, "the expression names no metric");
    }
    return e;
  }

  private void advance() {
    prevEnd = tok.end();
    tok = lexer.next();
  }

  private ExprSyntaxException error(String message) {
    return new ExprSyntaxException(tok.col(), message);
  }

  /** One level deeper, at the current token (a '(', '-' or 'not'). */
  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH + " levels");
    }
  }

  private Expr parseOr() {
    Expr left = parseAnd();
    while (tok.type() == Type.OR) {
      advance();
      left = new Expr.Or(left, parseAnd());
    }
    return left;
  }

  private Expr parseAnd() {
    Expr left = parseNot();
    while (tok.type() == Type.AND) {
      advance();
      left = new Expr.And(left, parseNot());
    }
    return left;
  }

  private Expr parseNot() {
    if (tok.type() != Type.NOT) {
      return parseComparison();
    }
    enter();
    advance();
    Expr operand = parseNot();
    depth--;
    return new Expr.Not(operand);
  }

  private Expr parseComparison() {
    int start = tok.pos();
    Expr left = parseSum();
    int leftEnd = prevEnd;
    if (tok.type() != Type.CMP) {
      return left;
    }
    Operator op = Operator.parse(tok.text());
    advance();
    Expr right = parseSum();
    if (tok.type() == Type.CMP) {
      throw error("comparisons do not chain: write 'a < b and b < c'");
    }
    return new Expr.Cmp(op, left, right, start, leftEnd);
  }

  private Expr parseSum() {
    Expr left = parseProduct();
    while (tok.type() == Type.PLUS || tok.type() == Type.MINUS) {
      char op = tok.text().charAt(0);
      advance();
      left = new Expr.Arith(op, left, parseProduct());
    }
    return left;
  }

  private Expr parseProduct() {
    Expr left = parseUnary();
    while (tok.type() == Type.STAR || tok.type() == Type.SLASH) {
      char op = tok.text().charAt(0);
      advance();
      left = new Expr.Arith(op, left, parseUnary());
    }
    return left;
  }

  private Expr parseUnary() {
    if (tok.type() != Type.MINUS) {
      return parsePrimary();
    }
    enter();
    advance();
    Expr operand = parseUnary();
    depth--;
    return operand instanceof Expr.Num n ? new Expr.Num(-n.value()) : new Expr.Neg(operand);
  }

  private Expr parsePrimary() {
    Token t = tok;
    switch (t.type()) {
      case NUMBER -> {
        advance();
        return new Expr.Num(Double.parseDouble(t.text()));
      }
      case NAME, QUOTED -> {
        return reference(t);
      }
      case LPAREN -> {
        enter();
        advance();
        Expr inner = parseOr();
        depth--;
        if (tok.type() != Type.RPAREN) {
          throw error("expected ')' to close the '(' at col " + t.col() + ", found " + tok.describe());
        }
        advance();
        return inner;
      }
      default -> throw error("expected a metric name or number, found " + t.describe());
    }
  }

  private Expr reference(Token name) {
    Map<String, String> tags = Map.of();
    int after = name.end();
    int brace = skipSpaces(after);
    if (brace < text.length() && text.charAt(brace) == '(' && name.type() == Type.NAME) {
      throw new ExprSyntaxException(name.col(), "'" + name.text() + "(' is not allowed here: a function goes "
          + "first and ends with ':', e.g. all(#3): mem.memused / mem.memtotal * 100 > 90");
    }
    if (brace < text.length() && text.charAt(brace) == '{') {
      tags = new TreeMap<>();
      after = tags(brace, tags);
      lexer.pos = after;
    }
    Reference ref = new Reference(name.text(), tags);
    if (!slots.containsKey(ref)) {
      if (slots.size() == MAX_REFERENCES) {
        throw new ExprSyntaxException(name.col(), "more than " + MAX_REFERENCES + " different metric references");
      }
      slots.put(ref, slots.size());
    }
    prevEnd = after;
    tok = lexer.next();
    return new Expr.Ref(slots.get(ref));
  }

  /** Reads {@code {k=v, ...}} from {@code open}; returns the position after '}'. */
  private int tags(int open, Map<String, String> out) {
    int i = open + 1;
    while (true) {
      i = skipSpaces(i);
      int keyStart = i;
      while (i < text.length() && "=,}".indexOf(text.charAt(i)) < 0 && !Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      String key = text.substring(keyStart, i);
      i = skipSpaces(i);
      if (key.isEmpty() || i >= text.length() || text.charAt(i) != '=') {
        throw new ExprSyntaxException(Math.min(i, text.length()) + 1, key.isEmpty()
            ? "expected a tag name in the '{' at col " + (open + 1) : "expected '=' after the tag name '" + key + "'");
      }
      i = skipSpaces(i + 1);
      int valueStart = i;
      String value;
      if (i < text.length() && text.charAt(i) == '"') {
        int close = text.indexOf('"', i + 1);
        if (close < 0) {
          throw new ExprSyntaxException(i + 1, "the quoted tag value is not closed with '\"'");
        }
        value = text.substring(i + 1, close);
        i = close + 1;
      } else {
        while (i < text.length() && ",}".indexOf(text.charAt(i)) < 0) {
          i++;
        }
        value = text.substring(valueStart, i).trim();
      }
      if (value.isEmpty()) {
        throw new ExprSyntaxException(valueStart + 1, "the tag '" + key + "' has no value");
      }
      if (out.put(key, value) != null) {
        throw new ExprSyntaxException(keyStart + 1, "the tag '" + key + "' appears twice");
      }
      i = skipSpaces(i);
      if (i >= text.length()) {
        throw new ExprSyntaxException(i + 1, "expected '}' to close the '{' at col " + (open + 1)
            + ", found the end of the text");
      }
      char c = text.charAt(i);
      if (c == '}') {
        checkTags(out, open);
        return i + 1;
      }
      if (c != ',') {
        throw new ExprSyntaxException(i + 1, "expected ',' or '}' in the tags, found '" + c + "'");
      }
      i++;
    }
  }

  /** Through the common tag rules, so a reference can only name tags a sample could carry. */
  private static void checkTags(Map<String, String> tags, int open) {
    try {
      Tags.toMap(Tags.fromMap(tags));
    } catch (IllegalArgumentException e) {
      throw new ExprSyntaxException(open + 1, "bad tags: " + e.getMessage());
    }
  }

  private int skipSpaces(int i) {
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
  }
}
