package io.peregrine.dist;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * logback set up in code for {@code peregrine agent}: the same output as logback.xml (stderr, {@code HH:mm:ss.SSS
 * LEVEL [thread] Logger: message}, gRPC and Netty at WARN, the root level from {@code PEREGRINE_LOG_LEVEL}, levels
 * propagated to java.util.logging) without the XML configurator, its parser and the pattern compiler (~500 classes
 * resident for the life of the process). Found by logback's service lookup; it only acts when {@link #select()} ran
 * before the first logger was asked for, so every other command still reads logback.xml.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class MinimalLogging extends ContextAwareBase implements Configurator {
  static final String PROPERTY = "peregrine.logging.minimal";

  /** Call before anything logs. */
  static void select() {
    System.setProperty(PROPERTY, "true");
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (!Boolean.getBoolean(PROPERTY)) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    LevelChangePropagator jul = new LevelChangePropagator();
    jul.setContext(context);
    jul.setResetJUL(true);
    context.addListener(jul);
    jul.start();
    Line layout = new Line();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    context.getLogger("io.grpc").setLevel(Level.WARN);
    context.getLogger("io.netty").setLevel(Level.WARN);
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    String level = System.getenv("PEREGRINE_LOG_LEVEL");
    root.setLevel(Level.toLevel(level == null ? "INFO" : level, Level.INFO));
    root.addAppender(stderr);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** logback.xml's pattern {@code %d{HH:mm:ss.SSS} %-5level [%thread] %logger{0}: %msg%n}, written by hand. */
  static final class Line extends LayoutBase<ILoggingEvent> {
    private final ZoneId zone = ZoneId.systemDefault();

    @Override
    public String doLayout(ILoggingEvent e) {
      StringBuilder out = new StringBuilder(128);
      LocalTime t = LocalTime.ofInstant(Instant.ofEpochMilli(e.getTimeStamp()), zone);
      pad(out, t.getHour(), 2).append(':');
      pad(out, t.getMinute(), 2).append(':');
      pad(out, t.getSecond(), 2).append('.');
      pad(out, t.getNano() / 1_000_000, 3).append(' ');
      String level = e.getLevel().toString();
      out.append(level);
      for (int i = level.length(); i < 5; i++) {
        out.append(' ');
      }
      String logger = e.getLoggerName();
      out.append(" [").append(e.getThreadName()).append("] ").append(logger.substring(logger.lastIndexOf('.') + 1))
          .append(": ").append(e.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
      IThrowableProxy thrown = e.getThrowableProxy();
      if (thrown != null) {
        out.append(ThrowableProxyUtil.asString(thrown)).append(CoreConstants.LINE_SEPARATOR);
      }
      return out.toString();
    }

    private static StringBuilder pad(StringBuilder out, int value, int width) {
      String s = Integer.toString(value);
      for (int i = s.length(); i < width; i++) {
        out.append('0');
      }
      return out.append(s);
    }
  }
}
