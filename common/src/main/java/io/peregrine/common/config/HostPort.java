package io.peregrine.common.config;

/** {@code host:port}, with IPv6 hosts in brackets ({@code [::1]:6060}). */
public record HostPort(String host, int port) {
  public static HostPort parse(String name, String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(name + " must be host:port, got nothing");
    }
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException(name + " must be host:port, got '" + text + "'");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " has a port that is not a number: '" + text + "'");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(name + " has a port outside 0..65535: '" + text + "'");
    }
    return new HostPort(host, port);
  }

  public static HostPort parse(String text) {
    return parse("address", text);
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
