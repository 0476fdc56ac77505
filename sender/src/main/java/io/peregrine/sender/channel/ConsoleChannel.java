package io.peregrine.sender.channel;

import java.io.PrintStream;

/**
 * Prints one line per notice: the SMS text, then {@code  -> } and the receivers. This is the channel whose job is
 * printing, so it writes to the stream it is given (System.out in the launcher), never to the log.
 */
public final class ConsoleChannel implements Channel {
  private final PrintStream out;
  private final Object lock = new Object();

  public ConsoleChannel(PrintStream out) {
    this.out = out;
  }

  @Override
  public String name() {
    return "console";
  }

  @Override
  public boolean forPeople() {
    return false;
  }

  @Override
  public void send(Notice notice) throws ChannelException {
    String line = notice.messages().sms() + " -> " + notice.recipients().describe();
    synchronized (lock) {
      // one println per notice so that lines of two workers never interleave
      out.println(line);
      out.flush();
      if (out.checkError()) {
        throw new ChannelException("console stream failed to print");
      }
    }
  }
}
