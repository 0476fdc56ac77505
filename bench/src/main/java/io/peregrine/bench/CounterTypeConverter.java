package io.peregrine.bench;

import io.peregrine.common.model.CounterTypes;
import io.peregrine.proto.v1.CounterType;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** GAUGE, COUNTER or DERIVE, any case, as Open-Falcon writes them. */
final class CounterTypeConverter implements ITypeConverter<CounterType> {
  @Override
  public CounterType convert(String value) {
    CounterType type = CounterTypes.parse(value.trim());
    if (type == CounterType.COUNTER_TYPE_UNSPECIFIED) {
      throw new TypeConversionException("counter type must be GAUGE, COUNTER or DERIVE, got '" + value + "'");
    }
    return type;
  }
}
