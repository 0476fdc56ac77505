package io.peregrine.transfer.queue;

import java.io.IOException;

/** Closing the files and locks of a queue part: each one is closed even when another fails. */
final class QueueFiles {
  private QueueFiles() {}

  /** Closes every part (nulls skipped), even when one fails; the first failure is thrown after the rest closed. */
  static void closeAll(AutoCloseable... parts) throws IOException {
    IOException first = null;
    for (AutoCloseable c : parts) {
      if (c == null) {
        continue;
      }
      try {
        c.close();
      } catch (Exception e) {
        if (first == null) {
          first = e instanceof IOException io ? io : new IOException(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
