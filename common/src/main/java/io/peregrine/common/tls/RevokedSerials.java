package io.peregrine.common.tls;

import java.math.BigInteger;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The serials of client certificates a server refuses although its CA bundle trusts them (agent certificates hbs
 * revoked by node name). Swapped whole on every refresh, read on every call, so a check costs one set lookup.
 */
public final class RevokedSerials {
  private volatile Set<BigInteger> serials = Set.of();
  private final AtomicLong updatedAtMillis = new AtomicLong();

  public boolean contains(BigInteger serial) {
    return serials.contains(serial);
  }

  /** Replaces the whole set (the list from hbs is always complete). */
  public void replace(Collection<BigInteger> now, long atMillis) {
    serials = Set.copyOf(now);
    updatedAtMillis.set(atMillis);
  }

  public int size() {
    return serials.size();
  }

  /** When the set was last replaced, unix ms; 0 = never. */
  public long updatedAtMillis() {
    return updatedAtMillis.get();
  }

  /** Parses serials as hbs writes them: lower-case hex without a prefix. */
  public static BigInteger parseHex(String hex) {
    String h = hex.trim();
    if (h.isEmpty() || h.length() > 64 || !h.matches("[0-9a-fA-F]+")) {
      throw new IllegalArgumentException("not a certificate serial in hex: '" + (h.length() > 70 ? h.substring(0, 70)
          + "..." : h) + "'");
    }
    return new BigInteger(h, 16);
  }
}
