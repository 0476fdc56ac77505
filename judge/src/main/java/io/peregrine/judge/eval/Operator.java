package io.peregrine.judge.eval;

/**
 * Open-Falcon's comparison operators. Equality is approximate ({@code |l - r| < 0.0001}) because values are doubles
 * that went through rates and averages; a strategy like {@code all(#3) == 0} must still fire on 1e-12.
 */
public enum Operator {
  EQ("=="), ASSIGN_EQ("="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">=");

  private static final double EPSILON = 0.0001;

  private final String symbol;

  Operator(String symbol) {
    this.symbol = symbol;
  }

  public String symbol() {
    return symbol;
  }

  /** @return the operator, or null for text that is none of {@code == = != < <= > >=} */
  public static Operator parse(String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    for (Operator op : values()) {
      if (op.symbol.equals(t)) {
        return op;
      }
    }
    return null;
  }

  public boolean test(double left, double right) {
    return switch (this) {
      case EQ, ASSIGN_EQ -> Math.abs(left - right) < EPSILON;
      case NE -> Math.abs(left - right) > EPSILON;
      case LT -> left < right;
      case LE -> left <= right;
      case GT -> left > right;
      case GE -> left >= right;
    };
  }
}
