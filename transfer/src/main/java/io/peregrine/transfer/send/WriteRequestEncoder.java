package io.peregrine.transfer.send;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.peregrine.common.model.PromNames;
import io.peregrine.common.model.Tags;
import io.peregrine.proto.v1.Sample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Encodes samples as Prometheus' {@code prometheus.WriteRequest} (remote write 1.0), by hand with protobuf's
 * {@link CodedOutputStream}: {@code WriteRequest{repeated TimeSeries timeseries = 1}}, {@code TimeSeries{repeated
 * Label labels = 1; repeated Sample samples = 2}}, {@code Label{string name = 1; string value = 2}},
 * {@code Sample{double value = 1; int64 timestamp = 2}} (milliseconds).
 *
 * <p>Labels of one sample, sorted by name as the protocol asks: {@code __name__} = the metric with every character
 * outside {@code [a-zA-Z0-9_:]} replaced by {@code _} ({@code cpu.idle} -> {@code cpu_idle}), {@code endpoint} = the
 * endpoint, and one label per tag, its key mapped the same way but without {@code :} (label names are
 * {@code [a-zA-Z0-9_]}); a name that would start with a digit gets a leading {@code _}. A tag whose mapped key is
 * {@code __name__} or {@code endpoint} is sent as {@code tag_<key>}; when two tag keys map to the same name, the
 * first in canonical (sorted) order is kept.
 */
public final class WriteRequestEncoder {
  private final ByteArrayOutputStream series = new ByteArrayOutputStream(256);

  /** One TimeSeries per sample, in order. */
  public byte[] encode(Payload payload) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.bytes() * 2 + 64);
    CodedOutputStream request = CodedOutputStream.newInstance(out);
    IOException[] failed = {null};
    payload.forEachSample((array, offset, length) -> {
      try {
        Sample s = Sample.parser().parseFrom(array, offset, length);
        byte[] ts = timeSeries(s);
        request.writeByteArray(1, ts);
      } catch (InvalidProtocolBufferException e) {
        failed[0] = e;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    if (failed[0] != null) {
      throw failed[0];
    }
    request.flush();
    return out.toByteArray();
  }

  byte[] timeSeries(Sample s) throws IOException {
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put("__name__", PromNames.metric(s.getMetric()));
    labels.put("endpoint", s.getEndpoint());
    for (Map.Entry<String, String> t : Tags.parse(s.getTags()).entrySet()) {
      String key = PromNames.label(t.getKey());
      if (key.equals("__name__") || key.equals("endpoint")) {
        key = "tag_" + key;
      }
      labels.putIfAbsent(key, t.getValue());
    }
    series.reset();
    CodedOutputStream o = CodedOutputStream.newInstance(series);
    for (Map.Entry<String, String> l : labels.entrySet()) {
      int size = CodedOutputStream.computeStringSize(1, l.getKey()) + CodedOutputStream.computeStringSize(2,
          l.getValue());
      o.writeTag(1, 2);
      o.writeUInt32NoTag(size);
      o.writeString(1, l.getKey());
      o.writeString(2, l.getValue());
    }
    long millis = s.getTimestamp() * 1000;
    int size = CodedOutputStream.computeDoubleSize(1, s.getValue()) + CodedOutputStream.computeInt64Size(2, millis);
    o.writeTag(2, 2);
    o.writeUInt32NoTag(size);
    o.writeDouble(1, s.getValue());
    o.writeInt64(2, millis);
    o.flush();
    return series.toByteArray();
  }
}
