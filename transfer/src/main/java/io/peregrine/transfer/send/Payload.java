package io.peregrine.transfer.send;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples to send, as slices of byte arrays whose concatenation is a {@code SampleBatch} encoding: each sample is
 * framed as field 1 ({@code 0x0A}, varint length, Sample bytes). No copy is made until the bytes go on the wire.
 */
public final class Payload {
  private final List<byte[]> arrays;
  private final int[] offsets;
  private final int[] lengths;
  private final int samples;
  private final int bytes;

  private Payload(List<byte[]> arrays, int[] offsets, int[] lengths, int samples, int bytes) {
    this.arrays = arrays;
    this.offsets = offsets;
    this.lengths = lengths;
    this.samples = samples;
    this.bytes = bytes;
  }

  /** Chunks as a queue keeps them: a 4-byte sample count, then the framed samples. */
  public static Payload ofChunks(List<byte[]> chunks, int samples) {
    int n = chunks.size();
    int[] off = new int[n];
    int[] len = new int[n];
    int total = 0;
    for (int i = 0; i < n; i++) {
      off[i] = 4;
      len[i] = chunks.get(i).length - 4;
      total += len[i];
    }
    return new Payload(chunks, off, len, samples, total);
  }

  public int samples() {
    return samples;
  }

  /** Encoded size in bytes. */
  public int bytes() {
    return bytes;
  }

  public void writeTo(OutputStream out) throws IOException {
    for (int i = 0; i < arrays.size(); i++) {
      out.write(arrays.get(i), offsets[i], lengths[i]);
    }
  }

  public byte[] toByteArray() {
    byte[] out = new byte[bytes];
    int p = 0;
    for (int i = 0; i < arrays.size(); i++) {
      System.arraycopy(arrays.get(i), offsets[i], out, p, lengths[i]);
      p += lengths[i];
    }
    return out;
  }

  /** One payload per sample, in order (to split a batch a node refused, or pick out samples to resend). */
  public List<Payload> perSample() {
    List<Payload> out = new ArrayList<>(samples);
    walk((a, frame, body, len) -> {
      int frameLength = body + len - frame;
      out.add(new Payload(List.of(a), new int[] {frame}, new int[] {frameLength}, 1, frameLength));
    });
    return out;
  }

  /** Joins single-sample (or any) payloads back into one. */
  public static Payload join(List<Payload> parts) {
    List<byte[]> arrays = new ArrayList<>();
    List<int[]> slices = new ArrayList<>();
    int samples = 0;
    int bytes = 0;
    for (Payload p : parts) {
      for (int i = 0; i < p.arrays.size(); i++) {
        arrays.add(p.arrays.get(i));
        slices.add(new int[] {p.offsets[i], p.lengths[i]});
      }
      samples += p.samples;
      bytes += p.bytes;
    }
    int[] off = new int[slices.size()];
    int[] len = new int[slices.size()];
    for (int i = 0; i < off.length; i++) {
      off[i] = slices.get(i)[0];
      len[i] = slices.get(i)[1];
    }
    return new Payload(arrays, off, len, samples, bytes);
  }

  /** The framed samples, each as [array, offset, length] of the Sample message inside its frame. */
  public void forEachSample(SampleSlice visitor) {
    walk((a, frame, body, len) -> visitor.accept(a, body, len));
  }

  /** Visits every frame (a 0x0A tag, a varint length, the Sample message) without copying or allocating. */
  private void walk(FrameVisitor visitor) {
    for (int i = 0; i < arrays.size(); i++) {
      byte[] a = arrays.get(i);
      int p = offsets[i];
      int end = p + lengths[i];
      while (p < end) {
        int frame = p;
        p++; // the 0x0A tag
        int len = 0;
        int shift = 0;
        int b;
        do {
          b = a[p++];
          len |= (b & 0x7F) << shift;
          shift += 7;
        } while ((b & 0x80) != 0);
        visitor.frame(a, frame, p, len);
        p += len;
      }
    }
  }

  private interface FrameVisitor {
    void frame(byte[] array, int frameOffset, int bodyOffset, int bodyLength);
  }

  /** Receives one Sample message's bytes. */
  public interface SampleSlice {
    void accept(byte[] array, int offset, int length);
  }
}
