package io.peregrine.hbs.silence;

/**
 * One condition of a silence: the event's field {@code name} equals {@code value}, or (regex) the whole field
 * matches the Java regular expression {@code value}. Names: {@code endpoint}, {@code metric}, {@code strategyId},
 * {@code expressionId}, {@code priority}, {@code tags.<key>} (a tag the event lacks reads as the empty text).
 */
public record Matcher(String name, String value, boolean regex) {
}
