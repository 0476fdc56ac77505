package io.peregrine.common.auth;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Reject;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Takes out of one batch the samples whose endpoint a caller may not push for, and puts them back into the answer
 * as rejects ({@link RejectCode#FOREIGN_ENDPOINT}, at their positions in the batch as sent). Works on the serialized
 * batch (transfer's raw-bytes service): a field scan that compares each endpoint's bytes with the caller's own
 * name and decodes only the others; the batch is copied only when something is taken out.
 */
final class EndpointScreen {
  /** Protobuf tags (field number << 3 | wire type) of SampleBatch.samples and Sample.endpoint. */
  private static final int SAMPLES = SampleBatch.SAMPLES_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int ENDPOINT = Sample.ENDPOINT_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  /**
   * What was taken out of a batch.
   *
   * @param kept the batch without the foreign samples (a byte[] or a SampleBatch, as the batch came)
   * @param foreign the positions of the foreign samples in the batch as sent, ascending
   * @param reasons each one's reason, in the same order
   */
  record Screened(Object kept, int[] foreign, String[] reasons) {
    int count() {
      return foreign.length;
    }

    String firstReason() {
      return reasons[0];
    }

    /** The service's answer for {@code kept}, with its rejects moved to the positions sent and the foreign added. */
    PushResponse merge(PushResponse answer) {
      List<Reject> all = new ArrayList<>(answer.getRejectsCount() + foreign.length);
      for (Reject r : answer.getRejectsList()) {
        all.add(r.toBuilder().setIndex(original(r.getIndex())).build());
      }
      for (int i = 0; i < foreign.length; i++) {
        all.add(Reject.newBuilder().setIndex(foreign[i]).setCode(RejectCode.FOREIGN_ENDPOINT).setReason(reasons[i])
            .build());
      }
      all.sort(Comparator.comparingInt(Reject::getIndex));
      return answer.toBuilder().setRejected(answer.getRejected() + foreign.length).clearRejects().addAllRejects(all)
          .build();
    }

    /** The position sent of the kept batch's sample {@code k}. */
    private int original(int k) {
      int at = k;
      for (int f : foreign) {
        if (f <= at) {
          at++;
        } else {
          break;
        }
      }
      return at;
    }
  }

  private EndpointScreen() {}

  /**
   * @param own the caller's name: always allowed, compared byte by byte
   * @param allowed decides the other endpoints (asked once per distinct endpoint of the batch)
   * @param reason the reject reason for a foreign endpoint
   * @return null when every sample may stay (or the message is no batch, or unreadable: the service refuses a
   *     malformed batch with its own reason)
   */
  static Screened screen(Object message, String own, Predicate<String> allowed,
      Function<String, String> reason) {
    if (message instanceof SampleBatch batch) {
      return screenParsed(batch, own, allowed, reason);
    }
    return message instanceof byte[] bytes ? screenBytes(bytes, own, allowed, reason) : null;
  }

  private static Screened screenParsed(SampleBatch batch, String own, Predicate<String> allowed,
      Function<String, String> reason) {
    Decisions decisions = new Decisions(allowed);
    List<Integer> foreign = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    SampleBatch.Builder kept = SampleBatch.newBuilder();
    for (int i = 0; i < batch.getSamplesCount(); i++) {
      Sample s = batch.getSamples(i);
      if (s.getEndpoint().equals(own) || decisions.allowed(s.getEndpoint())) {
        kept.addSamples(s);
      } else {
        foreign.add(i);
        reasons.add(reason.apply(s.getEndpoint()));
      }
    }
    return foreign.isEmpty() ? null : new Screened(kept.build(),
        foreign.stream().mapToInt(Integer::intValue).toArray(), reasons.toArray(String[]::new));
  }

  private static Screened screenBytes(byte[] bytes, String own, Predicate<String> allowed,
      Function<String, String> reason) {
    byte[] ownBytes = own.getBytes(StandardCharsets.UTF_8);
    Decisions decisions = new Decisions(allowed);
    int[] foreign = null;
    int[] cuts = null; // start, end of each foreign sample's field in bytes
    String[] reasons = null;
    int count = 0;
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      int index = 0;
      while (!in.isAtEnd()) {
        int start = in.getTotalBytesRead();
        int tag = in.readTag();
        if (tag != SAMPLES) {
          in.skipField(tag);
          continue;
        }
        int limit = in.pushLimit(in.readRawVarint32());
        String endpoint = null; // null = the caller's own (or no endpoint, refused by the service as MISSING_FIELD)
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
          if (t != ENDPOINT) {
            in.skipField(t);
            continue;
          }
          int length = in.readRawVarint32();
          int at = in.getTotalBytesRead(); // the stream reads the array from offset 0: this is the array index
          if (length > bytes.length - at) {
            return null;
          }
          boolean isOwn = Arrays.equals(bytes, at, at + length, ownBytes, 0, ownBytes.length);
          endpoint = isOwn || length == 0 ? null : new String(bytes, at, length, StandardCharsets.UTF_8);
          in.skipRawBytes(length);
        }
        in.popLimit(limit);
        if (endpoint != null && !decisions.allowed(endpoint)) {
          if (foreign == null) {
            foreign = new int[8];
            cuts = new int[16];
            reasons = new String[8];
          } else if (count == foreign.length) {
            foreign = Arrays.copyOf(foreign, count * 2);
            cuts = Arrays.copyOf(cuts, count * 4);
            reasons = Arrays.copyOf(reasons, count * 2);
          }
          foreign[count] = index;
          reasons[count] = reason.apply(endpoint);
          cuts[2 * count] = start;
          cuts[2 * count + 1] = in.getTotalBytesRead();
          count++;
        }
        index++;
      }
    } catch (IOException e) {
      return null;
    }
    if (count == 0) {
      return null;
    }
    return new Screened(without(bytes, cuts, count), Arrays.copyOf(foreign, count), Arrays.copyOf(reasons, count));
  }

  /** {@code bytes} without the {@code count} ranges of {@code cuts} (ascending, disjoint). */
  private static byte[] without(byte[] bytes, int[] cuts, int count) {
    int removed = 0;
    for (int i = 0; i < count; i++) {
      removed += cuts[2 * i + 1] - cuts[2 * i];
    }
    byte[] out = new byte[bytes.length - removed];
    int from = 0;
    int to = 0;
    for (int i = 0; i < count; i++) {
      int n = cuts[2 * i] - from;
      System.arraycopy(bytes, from, out, to, n);
      to += n;
      from = cuts[2 * i + 1];
    }
    System.arraycopy(bytes, from, out, to, bytes.length - from);
    return out;
  }

  /** Remembers the verdict per endpoint within one batch (a batch repeats a pod's endpoint per sample). */
  private static final class Decisions {
    private final Predicate<String> allowed;
    private Map<String, Boolean> seen;

    Decisions(Predicate<String> allowed) {
      this.allowed = allowed;
    }

    boolean allowed(String endpoint) {
      if (seen == null) {
        seen = new HashMap<>();
      }
      return seen.computeIfAbsent(endpoint, allowed::test);
    }
  }
}
