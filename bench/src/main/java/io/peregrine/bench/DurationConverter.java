package io.peregrine.bench;

import io.peregrine.common.config.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations as the config files write them ({@code 500ms}, {@code 10s}, {@code 5m}); a bare number is seconds. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String v = value.trim();
    if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
      return Duration.ofSeconds(Long.parseLong(v));
    }
    try {
      return Durations.parse(v);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
