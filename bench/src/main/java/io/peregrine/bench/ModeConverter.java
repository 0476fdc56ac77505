package io.peregrine.bench;

import io.peregrine.bench.push.PushMode;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code grpc-unary}, {@code grpc-stream}, {@code http}. */
final class ModeConverter implements ITypeConverter<PushMode> {
  @Override
  public PushMode convert(String value) {
    try {
      return PushMode.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
