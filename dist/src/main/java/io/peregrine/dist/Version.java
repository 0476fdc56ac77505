package io.peregrine.dist;

import picocli.CommandLine;

/** The version from the jar manifest (the Maven project version), "dev" when run from classes. */
final class Version implements CommandLine.IVersionProvider {
  static String current() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"peregrine " + current()};
  }
}
