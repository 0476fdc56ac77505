package io.peregrine.judge.strategy;

/**
 * A strategy or expression that could not be used as sent (skipped), or was used with a correction (a warning).
 *
 * @param kind "strategy" or "expression"
 * @param id its id
 * @param func its function text
 * @param reason why, naming the field and value
 */
public record RuleProblem(String kind, long id, String func, String reason) {}
