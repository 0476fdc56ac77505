package io.peregrine.hbs.silence;

import java.util.List;

/**
 * A row of {@code silence}: while {@code startsAt <= now < endsAt} (unix seconds) the sender tells nobody about an
 * event every matcher matches. {@code author} is the user who created it (from the token, not the body);
 * {@code updatedBy} and {@code updatedAt} (unix seconds) the last who edited it in place ("" and 0 when nobody has).
 */
public record SilenceRow(long id, List<Matcher> matchers, long startsAt, long endsAt, String author, String comment,
    long createdAt, String updatedBy, long updatedAt) {

  public SilenceRow {
    matchers = List.copyOf(matchers);
  }

  /** A silence never edited. */
  public SilenceRow(long id, List<Matcher> matchers, long startsAt, long endsAt, String author, String comment,
      long createdAt) {
    this(id, matchers, startsAt, endsAt, author, comment, createdAt, "", 0);
  }

  /** {@code pending}, {@code active} or {@code expired} at {@code nowSeconds}. */
  public String state(long nowSeconds) {
    if (nowSeconds >= endsAt) {
      return "expired";
    }
    return nowSeconds < startsAt ? "pending" : "active";
  }
}
