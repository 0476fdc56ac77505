package io.peregrine.judge.expr;

import io.peregrine.judge.eval.Operator;

/**
 * A parsed multi-metric expression: a tree evaluated over the latest value of each reference. Every value is a
 * number; a comparison or {@code and}/{@code or}/{@code not} gives 1 (true) or 0 (false), and any non-zero number is
 * true. {@code NaN} is "unknown": an input that is missing or stale, a division by zero, an overflow. Unknown
 * propagates through arithmetic and comparisons; {@code and}/{@code or} follow Kleene's three-valued logic, so
 * {@code false and unknown} is false and {@code true or unknown} is true.
 */
sealed interface Expr {
  /** @param inputs the value of each reference slot, NaN when unknown */
  double eval(double[] inputs);

  static double truth(boolean b) {
    return b ? 1 : 0;
  }

  record Num(double value) implements Expr {
    @Override
    public double eval(double[] inputs) {
      return value;
    }
  }

  /** The latest value of reference slot {@code slot}. */
  record Ref(int slot) implements Expr {
    @Override
    public double eval(double[] inputs) {
      return inputs[slot];
    }
  }

  record Neg(Expr operand) implements Expr {
    @Override
    public double eval(double[] inputs) {
      return -operand.eval(inputs);
    }
  }

  /** {@code + - * /}; a division by zero or a result beyond double's range is unknown. */
  record Arith(char op, Expr left, Expr right) implements Expr {
    @Override
    public double eval(double[] inputs) {
      double l = left.eval(inputs);
      double r = right.eval(inputs);
      double v = switch (op) {
        case '+' -> l + r;
        case '-' -> l - r;
        case '*' -> l * r;
        default -> r == 0 ? Double.NaN : l / r;
      };
      return Double.isInfinite(v) ? Double.NaN : v;
    }
  }

  /**
   * A comparison with Open-Falcon's operators ({@code ==} within 0.0001). {@code leftStart}/{@code leftEnd} are the
   * source offsets of the left side, so a rule {@code f: value > 90} can report {@code value} as its metric.
   */
  record Cmp(Operator op, Expr left, Expr right, int leftStart, int leftEnd) implements Expr {
    @Override
    public double eval(double[] inputs) {
      double l = left.eval(inputs);
      double r = right.eval(inputs);
      if (Double.isNaN(l) || Double.isNaN(r)) {
        return Double.NaN;
      }
      return truth(op.test(l, r));
    }
  }

  record And(Expr left, Expr right) implements Expr {
    @Override
    public double eval(double[] inputs) {
      double l = left.eval(inputs);
      if (l == 0) {
        return 0;
      }
      double r = right.eval(inputs);
      if (r == 0) {
        return 0;
      }
      return Double.isNaN(l) || Double.isNaN(r) ? Double.NaN : 1;
    }
  }

  record Or(Expr left, Expr right) implements Expr {
    @Override
    public double eval(double[] inputs) {
      double l = left.eval(inputs);
      if (l != 0 && !Double.isNaN(l)) {
        return 1;
      }
      double r = right.eval(inputs);
      if (r != 0 && !Double.isNaN(r)) {
        return 1;
      }
      return Double.isNaN(l) || Double.isNaN(r) ? Double.NaN : 0;
    }
  }

  record Not(Expr operand) implements Expr {
    @Override
    public double eval(double[] inputs) {
      double v = operand.eval(inputs);
      return Double.isNaN(v) ? Double.NaN : truth(v == 0);
    }
  }
}
