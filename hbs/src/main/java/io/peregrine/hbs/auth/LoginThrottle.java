package io.peregrine.hbs.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed logins counted per user name and per source address in a fixed window from the first failure: after
 * {@link #USER_FAILURES} failures for one name, or {@link #ADDRESS_FAILURES} from one address, within
 * {@link #WINDOW}, further logins of that name (or from that address) are refused without checking the password
 * until the window ends (the caller answers 429 with Retry-After). A successful login clears its name's count.
 * The counters live in memory (bounded: the {@link #MAX_KEYS} most recent names and addresses each), so a restart
 * clears them; several hbs instances count separately.
 */
public final class LoginThrottle {
  private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);
  public static final int USER_FAILURES = 5;
  public static final int ADDRESS_FAILURES = 20;
  public static final Duration WINDOW = Duration.ofMinutes(15);
  static final int MAX_KEYS = 100_000;

  private record Window(long startMillis, int failures) {
  }

  private final Clock clock;
  private final Cache<String, Window> users;
  private final Cache<String, Window> addresses;
  private final Counter refusedByUser;
  private final Counter refusedByAddress;

  public LoginThrottle(Clock clock, MeterRegistry registry) {
    this.clock = clock;
    Ticker ticker = () -> clock.millis() * 1_000_000L; // the injected clock, so tests need no waiting
    this.users = Caffeine.newBuilder().maximumSize(MAX_KEYS).expireAfterWrite(WINDOW).ticker(ticker).build();
    this.addresses = Caffeine.newBuilder().maximumSize(MAX_KEYS).expireAfterWrite(WINDOW).ticker(ticker).build();
    this.refusedByUser = Counter.builder("hbs.logins.throttled").tag("by", "user")
        .description("logins refused with 429 because of earlier failures").register(registry);
    this.refusedByAddress = Counter.builder("hbs.logins.throttled").tag("by", "address")
        .description("logins refused with 429 because of earlier failures").register(registry);
  }

  /** Seconds until this name and address may try again; empty when they may now. Counts a refusal. */
  public OptionalLong retryAfter(String user, String address) {
    long now = clock.millis();
    long byUser = wait(users.getIfPresent(key(user)), USER_FAILURES, now);
    long byAddress = wait(addresses.getIfPresent(address), ADDRESS_FAILURES, now);
    if (byUser == 0 && byAddress == 0) {
      return OptionalLong.empty();
    }
    (byUser >= byAddress ? refusedByUser : refusedByAddress).increment();
    return OptionalLong.of(Math.max(byUser, byAddress));
  }

  /** A wrong name or password from this address. */
  public void failed(String user, String address) {
    long now = clock.millis();
    if (count(users, key(user), now) == USER_FAILURES) {
      log.warn("hbs-auth: {} failed logins for user '{}' within {}; its logins are refused until the window ends",
          USER_FAILURES, user, WINDOW);
    }
    if (count(addresses, address, now) == ADDRESS_FAILURES) {
      log.warn("hbs-auth: {} failed logins from {} within {}; its logins are refused until the window ends",
          ADDRESS_FAILURES, address, WINDOW);
    }
  }

  public void succeeded(String user) {
    users.invalidate(key(user));
  }

  private static int count(Cache<String, Window> cache, String key, long now) {
    return cache.asMap().compute(key, (k, w) -> w == null || now - w.startMillis() >= WINDOW.toMillis()
        ? new Window(now, 1) : new Window(w.startMillis(), w.failures() + 1)).failures();
  }

  private static long wait(Window w, int limit, long now) {
    if (w == null || w.failures() < limit) {
      return 0;
    }
    long left = w.startMillis() + WINDOW.toMillis() - now;
    return left <= 0 ? 0 : (left + 999) / 1000;
  }

  /** Names are compared as the login compares them: a different case is the same target. */
  private static String key(String user) {
    return user == null ? "" : user.trim().toLowerCase(Locale.ROOT);
  }
}
