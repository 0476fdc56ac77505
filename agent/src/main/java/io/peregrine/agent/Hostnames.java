package io.peregrine.agent;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/** The agent's endpoint name when agent.hostname is left empty. */
final class Hostnames {
  private Hostnames() {}

  /**
   * The configured name; else {@code NODE_NAME} (a DaemonSet sets it from the downward API, since a pod's own
   * hostname is the pod name unless hostNetwork is on); else the machine's hostname.
   */
  static String resolve(String configured, Map<String, String> env) {
    if (!configured.isEmpty()) {
      return configured;
    }
    String node = env.get("NODE_NAME");
    if (node != null && !node.isBlank()) {
      return node.trim();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      // the hostname does not resolve (a laptop off the network): the kernel's name is still right
      String fromEnv = env.get("HOSTNAME");
      return fromEnv != null && !fromEnv.isBlank() ? fromEnv.trim() : "localhost";
    }
  }
}
