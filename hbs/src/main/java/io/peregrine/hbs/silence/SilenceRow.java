package io.peregrine.hbs.silence;

import java.util.List;

/**
 * A row of {@code silence}: while {@code startsAt <= now < endsAt} (unix seconds) the sender tells nobody about an
 * event every matcher matches. {@code author} is the user who created it (from the token, not the body).
 */
public record SilenceRow(long id, List<Matcher> matchers, long startsAt, long endsAt, String author, String comment,
    long createdAt) {

  public SilenceRow {
    matchers = List.copyOf(matchers);
  }

  /** {@code pending}, {@code active} or {@code expired} at {@code nowSeconds}. */
  public String state(long nowSeconds) {
    if (nowSeconds >= endsAt) {
      return "expired";
    }
    return nowSeconds < startsAt ? "pending" : "active";
  }
}
