package io.peregrine.transfer.queue;

/**
 * The head of an ingest-log record's payload: {@code [u16 parts]}, then per part {@code [u16 consumer id][u32
 * length][u32 CRC32C of the part]}, then {@code [u32 CRC32C of the table]}; the parts' bytes follow in that order.
 * A reader reads the table and only its own part, each checked on its own; the record's CRC (in
 * {@link SegmentFormat}'s header) covers the whole payload and is what the torn-tail scan at open checks.
 */
final class PartTable {
  static final int ENTRY = 10;
  /** At most this many parts (lanes) in one record; the readers size their buffer for it. */
  static final int MAX_PARTS = 4096;

  private PartTable() {}

  static int size(int parts) {
    return 2 + ENTRY * parts + 4;
  }
}
