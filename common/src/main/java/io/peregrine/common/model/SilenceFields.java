package io.peregrine.common.model;

import java.util.List;

/**
 * The event fields a silence may match, shared by hbs (which checks a silence before storing it) and sender (which
 * matches events against it), so the two never disagree on what a matcher name means.
 */
public final class SilenceFields {
  /** Matcher names other than tags. */
  public static final List<String> NAMES = List.of("endpoint", "metric", "strategyId", "expressionId", "priority");
  /** A matcher on a pushed tag is named {@code tags.<key>}. */
  public static final String TAG_PREFIX = "tags.";

  private SilenceFields() {}

  /** True for one of {@link #NAMES} or {@code tags.} followed by a non-empty key. */
  public static boolean known(String name) {
    return NAMES.contains(name) || (name.startsWith(TAG_PREFIX) && name.length() > TAG_PREFIX.length());
  }
}
