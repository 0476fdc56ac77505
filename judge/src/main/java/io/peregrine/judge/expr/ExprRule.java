package io.peregrine.judge.expr;

import io.peregrine.common.event.EventExpression;

/**
 * One multi-metric expression ready to judge. Records compare by content, so a strategy-set refresh that brings
 * the same rule again keeps every endpoint's inputs and history.
 *
 * @param id the rule's id
 * @param key {@code m_<id>}: the event id without the endpoint part, and the dedup key in the state store
 * @param parsed function, value expression, comparison and inputs
 * @param maxStep most PROBLEM events in a row per endpoint (0 = never send)
 * @param priority 0..6, clamped
 * @param staleSteps how many of an input's steps its newest sample may lag the judged one
 * @param event the expression object put in events: metric = the value's text, func, operator, rightValue
 * @param origin {@code config} or {@code hbs}
 * @param text the rule as written
 */
record ExprRule(long id, String key, ExprParser.Parsed parsed, int maxStep, int priority, int staleSteps,
    EventExpression event, String origin, String text) {

  static String keyOf(long id) {
    return "m_" + id;
  }
}
