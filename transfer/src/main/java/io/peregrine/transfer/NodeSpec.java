package io.peregrine.transfer;

import io.peregrine.common.config.HostPort;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** One ring member, {@code name=host:port}; a bare {@code host:port} is named after itself. */
public record NodeSpec(String name, String address) {
  public static NodeSpec parse(String key, String text) {
    int eq = text.indexOf('=');
    String name = eq < 0 ? text.trim() : text.substring(0, eq).trim();
    String address = eq < 0 ? text.trim() : text.substring(eq + 1).trim();
    if (name.isEmpty()) {
      throw new IllegalArgumentException(key + " entry '" + text + "' has an empty node name");
    }
    HostPort.parse(key, address);
    return new NodeSpec(name, address);
  }

  public static List<NodeSpec> parseAll(String key, List<String> texts) {
    List<NodeSpec> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (String t : texts) {
      NodeSpec n = parse(key, t);
      if (!names.add(n.name())) {
        throw new IllegalArgumentException(key + " names node '" + n.name() + "' twice");
      }
      out.add(n);
    }
    return out;
  }
}
