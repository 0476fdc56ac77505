package io.peregrine.transfer;

import java.net.URI;
import java.net.URISyntaxException;

/** Checks a remote-write URL at config time: absolute http(s) with a host. */
final class RemoteWriteUrls {
  private RemoteWriteUrls() {}

  static void check(String key, String url) {
    try {
      URI u = new URI(url);
      if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
          || u.getHost() == null) {
        throw new IllegalArgumentException(key + " entry '" + url + "' must be an http:// or https:// URL with a host");
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(key + " entry '" + url + "' is not a URL: " + e.getMessage(), e);
    }
  }
}
