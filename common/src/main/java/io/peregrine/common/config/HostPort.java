package io.peregrine.common.config;

/** {@code host:port}, with IPv6 hosts in brackets ({@code [::1]:6060}). */
public record HostPort(String host, int port) {
  public static HostPort parse(String name, String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(name + " must be host:port, got nothing");
    }
    int colon = text.lastIndexOf(':');
    // an IPv6 host must be bracketed, so "[::1]" alone is a host without a port, not port "1]"
    boolean bracketed = text.startsWith("[");
    if (colon <= 0 || colon == text.length() - 1 || bracketed && text.charAt(colon - 1) != ']') {
      throw new IllegalArgumentException(name + " must be host:port, got '" + text + "'");
    }
    String host = bracketed ? text.substring(1, colon - 1) : text.substring(0, colon);
    if (host.isEmpty()) {
      throw new IllegalArgumentException(name + " must be host:port, got '" + text + "'");
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
