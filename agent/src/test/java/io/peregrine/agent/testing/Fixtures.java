package io.peregrine.agent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Procfs/sysfs trees captured from real machines, under {@code src/test/resources/fixtures/<name>/{proc,sys}}.
 * Copied into a test's temp dir so a test may change files between rounds (a counter wrapping, a device vanishing).
 */
public final class Fixtures {
  private Fixtures() {}

  /** Copies fixture {@code name} into {@code target} and returns target. */
  public static Path copy(String name, Path target) {
    try {
      Path source = Path.of(Fixtures.class.getResource("/fixtures/" + name).toURI());
      try (Stream<Path> all = Files.walk(source)) {
        for (Path p : (Iterable<Path>) all::iterator) {
          Path to = target.resolve(source.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(to);
          } else {
            Files.copy(p, to);
          }
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
