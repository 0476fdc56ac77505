package io.peregrine.agent.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes real shell scripts for plugin tests. */
final class Scripts {
  private Scripts() {}

  static Path write(Path dir, String name, String body) {
    try {
      Files.createDirectories(dir);
      Path p = dir.resolve(name);
      Files.writeString(p, "#!/bin/sh\n" + body + "\n");
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long pid(Path file) {
    try {
      return Long.parseLong(Files.readString(file).trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
