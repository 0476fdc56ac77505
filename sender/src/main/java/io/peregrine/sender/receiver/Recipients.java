package io.peregrine.sender.receiver;

import java.util.List;
import java.util.function.Function;

/**
 * Who an event goes to, and how sure we are of it.
 *
 * @param people the receivers (empty for NONE and UNKNOWN)
 * @param status how the list was obtained
 * @param detail why the list is empty or stale, for the console and the logs
 * @param callback the action's callback, or null when it has none
 * @param escalation the action's escalation steps ({@link Escalation#NONE} when it has none)
 */
public record Recipients(List<Person> people, Status status, String detail, Callback callback,
    Escalation escalation) {
  public enum Status {
    /** hbs answered (now or within the cache TTL). */
    RESOLVED,
    /** hbs could not be reached; this is the last answer it gave, older than the TTL. */
    STALE,
    /** Nobody to tell: no action on the event, hbs lookup off, or the action has no users. */
    NONE,
    /** hbs could not be reached and there is no earlier answer: channels that need addresses must retry. */
    UNKNOWN
  }

  public Recipients {
    people = List.copyOf(people);
    escalation = escalation == null ? Escalation.NONE : escalation;
  }

  public Recipients(List<Person> people, Status status, String detail, Callback callback) {
    this(people, status, detail, callback, Escalation.NONE);
  }

  public Recipients(List<Person> people, Status status, String detail) {
    this(people, status, detail, null);
  }

  public static Recipients none(String detail) {
    return new Recipients(List.of(), Status.NONE, detail);
  }

  public static Recipients unknown(String detail) {
    return new Recipients(List.of(), Status.UNKNOWN, detail);
  }

  public boolean known() {
    return status != Status.UNKNOWN;
  }

  /** The non-empty, distinct addresses of one kind (phones, emails, IM ids), in the order hbs gave them. */
  public List<String> addresses(Function<Person, String> contact) {
    return people.stream().map(contact).filter(s -> s != null && !s.isBlank()).map(String::trim).distinct().toList();
  }

  /** For the console: {@code alice, bob}, or the reason there is nobody. */
  public String describe() {
    if (people.isEmpty()) {
      return "(" + (status == Status.UNKNOWN ? "unknown: " : "nobody: ") + detail + ")";
    }
    StringBuilder out = new StringBuilder();
    for (Person p : people) {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(p.name().isEmpty() ? firstContact(p) : p.name());
    }
    return status == Status.STALE ? out + " (stale: " + detail + ")" : out.toString();
  }

  private static String firstContact(Person p) {
    return !p.email().isEmpty() ? p.email() : !p.phone().isEmpty() ? p.phone() : p.im();
  }
}
