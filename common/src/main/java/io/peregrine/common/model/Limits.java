package io.peregrine.common.model;

/** The limits every ingress states and enforces; documented in docs/API.md. */
public final class Limits {
  public static final int MAX_NAME_LENGTH = 255;
  /** Open-Falcon's limit on metric plus tags text, kept so that what Open-Falcon accepted we accept. */
  public static final int MAX_METRIC_AND_TAGS_LENGTH = 510;
  public static final int MAX_TAGS = 32;
  public static final int MIN_STEP_SECONDS = 1;
  public static final int MAX_STEP_SECONDS = 86_400;
  /** Clocks drift; ten minutes tolerates a bad NTP day without letting a year-3000 timestamp poison an archive. */
  public static final long MAX_FUTURE_SECONDS = 600;
  /** Samples per batch on every hop (gRPC and HTTP). */
  public static final int MAX_BATCH_SAMPLES = 10_000;
  /** gRPC message and HTTP body limit. */
  public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  private Limits() {}
}
