package io.peregrine.common.auth;

/**
 * Turns a bearer token into what it proves. hbs checks its own database; every other component asks hbs
 * ({@link HbsTokenIntrospector}).
 */
@FunctionalInterface
public interface TokenCheck {
  /** Never throws: a check that cannot be made is {@link Verdict.Unavailable}. */
  Verdict check(String token);

  /** The outcome of a check. */
  sealed interface Verdict permits Verdict.Valid, Verdict.Invalid, Verdict.Unavailable {
    /** A token hbs knows, unexpired, with the scopes its user's role still grants. */
    record Valid(Caller caller) implements Verdict {}

    /** Unknown, revoked, expired or malformed: 401. */
    record Invalid(String reason) implements Verdict {}

    /** The check could not be made (hbs unreachable or answering an error): 503, the caller may retry. */
    record Unavailable(String reason) implements Verdict {}
  }
}
