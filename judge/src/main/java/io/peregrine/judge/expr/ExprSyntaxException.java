package io.peregrine.judge.expr;

/** A rule text that does not parse: the message starts with the 1-based column, {@code col 17: expected ...}. */
public final class ExprSyntaxException extends IllegalArgumentException {
  private final int column;

  ExprSyntaxException(int column, String message) {
    super("col " + column + ": " + message);
    this.column = column;
  }

  /** 1-based column in the rule text where the problem is. */
  public int column() {
    return column;
  }
}
