package io.peregrine.judge.eval;

/**
 * What one function made of a series' points.
 *
 * @param enough false when the series has too few points: nothing is judged (no PROBLEM, no OK)
 * @param fired the strategy's condition holds
 * @param leftValue the value reported in the event (see {@link JudgeFunction} for which one)
 * @param used how many of the newest points the function looked at; the oldest of them decides whether a repeated
 *     PROBLEM is based on new data
 */
public record FunctionResult(boolean enough, boolean fired, double leftValue, int used) {
  static final FunctionResult NOT_ENOUGH = new FunctionResult(false, false, 0, 0);
}
