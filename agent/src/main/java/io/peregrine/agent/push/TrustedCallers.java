package io.peregrine.agent.push;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Who may call the push API: loopback always, plus the configured IPs and CIDR blocks, plus those hbs sends. The list
 * from hbs replaces the previous one from hbs on each heartbeat and never narrows the local list. Thread-safe: the
 * lists are immutable and swapped whole.
 */
public final class TrustedCallers {
  private final List<Block> local;
  private volatile List<Block> fromHbs = List.of();

  public TrustedCallers(List<String> localIps) {
    this.local = parseAll("agent.trustedIps", localIps);
  }

  /** Replaces the hbs-provided list; entries that do not parse are skipped (hbs data is not ours to fail on). */
  public void replaceFromHbs(List<String> ips) {
    List<Block> blocks = new ArrayList<>();
    for (String ip : ips) {
      try {
        blocks.add(Block.parse("hbs trusted_ips", ip));
      } catch (IllegalArgumentException ignored) {
        // a typo in hbs must not lock out the valid entries; the hbs admin API validates on input
      }
    }
    fromHbs = List.copyOf(blocks);
  }

  public boolean allows(InetAddress caller) {
    if (caller.isLoopbackAddress()) {
      return true;
    }
    return matches(local, caller) || matches(fromHbs, caller);
  }

  private static boolean matches(List<Block> blocks, InetAddress caller) {
    for (Block b : blocks) {
      if (b.contains(caller)) {
        return true;
      }
    }
    return false;
  }

  /** Validates a list of IPs or CIDR blocks without DNS; the message names the field and the entry. */
  public static List<Block> parseAll(String field, List<String> entries) {
    List<Block> out = new ArrayList<>();
    for (String e : entries) {
      out.add(Block.parse(field, e));
    }
    return List.copyOf(out);
  }

  /** An address block: {@code 10.0.0.5} (a /32) or {@code 10.0.0.0/8}. */
  public static final class Block {
    private final byte[] network;
    private final int prefixBits;

    private Block(byte[] network, int prefixBits) {
      this.network = network;
      this.prefixBits = prefixBits;
    }

    static Block parse(String field, String text) {
      String t = text == null ? "" : text.trim();
      int slash = t.indexOf('/');
      String ip = slash < 0 ? t : t.substring(0, slash);
      if (!InetAddresses.isInetAddress(ip)) {
        throw new IllegalArgumentException(field + " entries must be IP addresses or CIDR blocks: '" + text + "'");
      }
      byte[] bytes = InetAddresses.forString(ip).getAddress();
      int bits = bytes.length * 8;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
          bits = -1;
        }
        if (bits < 0 || bits > bytes.length * 8) {
          throw new IllegalArgumentException(field + " has a bad prefix length: '" + text + "'");
        }
      }
      return new Block(bytes, bits);
    }

    boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      if (a.length != network.length) {
        return false;
      }
      int full = prefixBits / 8;
      for (int i = 0; i < full; i++) {
        if (a[i] != network[i]) {
          return false;
        }
      }
      int rest = prefixBits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (a[full] & mask) == (network[full] & mask);
    }
  }
}
