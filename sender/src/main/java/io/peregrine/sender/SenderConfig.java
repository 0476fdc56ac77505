package io.peregrine.sender;

import io.lettuce.core.RedisURI;
import io.peregrine.common.config.Checks;
import io.peregrine.common.auth.AuthConfig;
import io.peregrine.common.tls.TlsConfig;
import java.net.URI;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;

/**
 * The sender's settings (section {@code sender}). Every channel is off while its URL or host is empty, except the
 * console, which is on by default so that a fresh install shows its alerts somewhere.
 *
 * @param httpListen {@code /metrics}, {@code /health}, {@code /api/v1/dead-letters}
 * @param redisUrl Redis the events are taken from, e.g. {@code redis://127.0.0.1:6379/0}; empty when the launcher
 *     hands the sender another source (all-in-one's in-process queue)
 * @param redisKeyPrefix put before {@code event:p0..p6}, {@code event:processing:<consumerId>}, {@code event:dead}
 * @param consumerId names this sender's processing list; empty = the host name. Two senders on one Redis must differ
 * @param hbsAddress hbs gRPC address receivers are asked from ({@code Hbs.GetReceivers}); empty = no lookup, then
 *     only the console and the webhook deliver
 * @param receiverCacheTtl how long an action's receivers are reused before hbs is asked again
 * @param callTimeout deadline of one outgoing call: hbs, webhook, gateways, SMTP
 * @param workers threads delivering events in parallel
 * @param retryDeadline how long a PROBLEM is retried (from when it was taken) before it is dead-lettered
 * @param retryDeadlineOk the same for an OK (a late recovery notice is worth less than a late problem)
 * @param retryBackoff ceiling of the (fully jittered) wait before the second attempt; doubles per attempt
 * @param retryBackoffMax cap of the doubling ceiling
 * @param deliveryClaimTtl how long the sender remembers that an (event, receiver, channel) was told, so a redelivery
 *     or a replayed dead letter within it is not told again; longer than any retry deadline
 * @param maxInFlight events taken but not yet acknowledged (waiting for a retry included); at the cap no new event is
 *     taken, so the rest waits in Redis
 * @param deadLetterCapacity dead-lettered events kept in Redis; beyond it the oldest are trimmed, counted and logged
 * @param console print each event as one line (the SMS text and its receivers) on the console
 * @param timeZone zone of the times in messages, e.g. {@code Asia/Shanghai}; empty = the system zone
 * @param dashboardUrl base of the link at the end of a mail ({@code <url>/portal/template/view/<tplId>}); empty = none
 * @param webhookUrl POST of the event JSON to this URL; empty = off
 * @param smsGatewayUrl Open-Falcon SMS gateway, form {@code tos=<phones>&content=<text>}; empty = off
 * @param imGatewayUrl Open-Falcon IM gateway, form {@code tos=<im ids>&content=<text>}; empty = off
 * @param smsMaxPriority SMS and IM only for events of this priority or more urgent (Open-Falcon: P0..P2); mail,
 *     webhook and console get every event
 * @param mailGatewayUrl Open-Falcon mail gateway, form {@code tos=<emails>&subject=<s>&content=<c>}; empty = off
 * @param smtpHost SMTP server for direct mail; empty = off
 * @param smtpPort SMTP port
 * @param smtpUser SMTP login; empty = no authentication
 * @param smtpPassword SMTP password
 * @param smtpFrom sender address of the mails
 * @param smtpStartTls require STARTTLS before sending
 * @param httpThreads threads running HTTP API requests
 * @param mergeFromPriority events of this priority and less urgent are merged into digests (Open-Falcon: P3..P6);
 *     7 = nothing is merged
 * @param mergeWindow how long events are collected per receiver and channel before their digest is sent
 * @param mergeGroupBy what else splits digests besides receiver and channel: any of endpoint, metric, strategy
 * @param digestLines SMS, IM and chat digests show the count and this many first lines
 * @param rateLimit messages one receiver gets on one channel per {@code rateLimitPeriod}; beyond it PROBLEMs are held
 *     back and sent as one digest when the period ends (recoveries are never held); 0 = no limit
 * @param rateLimitPeriod the period of that limit
 * @param smsBodyTemplate JSON body for the SMS gateway instead of Open-Falcon's form ({@code ${tos}},
 *     {@code ${content}}); empty = the form
 * @param imBodyTemplate the same for the IM gateway
 * @param mailBodyTemplate the same for the mail gateway ({@code ${tos}}, {@code ${subject}}, {@code ${content}})
 * @param dingtalkUrl DingTalk group robot webhook; empty = off
 * @param dingtalkSecret its signing secret (or {@code file:/path}); empty = unsigned
 * @param wecomUrl WeCom group robot webhook; empty = off
 * @param feishuUrl Feishu / Lark custom bot webhook; empty = off
 * @param feishuSecret its signing secret (or {@code file:/path}); empty = unsigned
 * @param slackUrl Slack incoming webhook; empty = off
 * @param smtpImplicitTls SMTP over TLS from the first byte (port 465) instead of plain or STARTTLS
 * @param smtpTrust hosts whose SMTP certificate is trusted without a CA check ({@code *} = any); empty = verify
 * @param tls TLS of this component's listeners and of the channels it opens (see docs/SECURITY.md); off = plaintext
 * @param lifecycle silences, acknowledgements (docs/ALERTING.md); null = defaults
 * @param auth tokens this component wants on its APIs and sends on its calls (see docs/SECURITY.md); off by
 *     default
 */
public record SenderConfig(
    String httpListen,
    String redisUrl,
    String redisKeyPrefix,
    String consumerId,
    String hbsAddress,
    Duration receiverCacheTtl,
    Duration callTimeout,
    int workers,
    Duration retryDeadline,
    Duration retryDeadlineOk,
    Duration retryBackoff,
    Duration retryBackoffMax,
    Duration deliveryClaimTtl,
    int maxInFlight,
    int deadLetterCapacity,
    boolean console,
    String timeZone,
    String dashboardUrl,
    String webhookUrl,
    String smsGatewayUrl,
    String imGatewayUrl,
    int smsMaxPriority,
    String mailGatewayUrl,
    String smtpHost,
    int smtpPort,
    String smtpUser,
    String smtpPassword,
    String smtpFrom,
    boolean smtpStartTls,
    int httpThreads,
    int mergeFromPriority,
    Duration mergeWindow,
    java.util.List<String> mergeGroupBy,
    int digestLines,
    int rateLimit,
    Duration rateLimitPeriod,
    String smsBodyTemplate,
    String imBodyTemplate,
    String mailBodyTemplate,
    String dingtalkUrl,
    String dingtalkSecret,
    String wecomUrl,
    String feishuUrl,
    String feishuSecret,
    String slackUrl,
    boolean smtpImplicitTls,
    String smtpTrust,
    TlsConfig tls,
    io.peregrine.sender.lifecycle.LifecycleConfig lifecycle,
    AuthConfig auth) {

  /** Receivers change by hand in the portal; a minute is quick enough and costs hbs one call per action a minute. */
  public static final Duration DEFAULT_RECEIVER_CACHE_TTL = Duration.ofSeconds(60);
  /** Open-Falcon's gateways answer in well under a second; ten gives a slow SMTP relay room without stalling. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(10);
  /** Delivery is network-bound; two keep one slow gateway from holding up everything else. */
  public static final int DEFAULT_WORKERS = 2;
  /** A night's gateway outage: the on-call person still learns of the problem in the morning. */
  public static final Duration DEFAULT_RETRY_DEADLINE = Duration.ofHours(6);
  /** A recovery told more than an hour late is mostly noise. */
  public static final Duration DEFAULT_RETRY_DEADLINE_OK = Duration.ofHours(1);
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);
  /** Ceiling of the jittered wait: a gateway that returns is used within about a minute. */
  public static final Duration DEFAULT_RETRY_BACKOFF_MAX = Duration.ofMinutes(1);
  /** Covers the 6 h retry deadline and a weekend before an operator replays the dead letters. */
  public static final Duration DEFAULT_DELIVERY_CLAIM_TTL = Duration.ofDays(3);
  /**
   * About 20 MB of events in memory: a storm of 10,000 low-priority events in a minute fits in one merge window
   * (they stay unacknowledged until their digest is sent); beyond it the rest waits in Redis, where it is safe.
   */
  public static final int DEFAULT_MAX_IN_FLIGHT = 20_000;
  /** Open-Falcon merges P3..P6 per receiver each minute. */
  public static final int DEFAULT_MERGE_FROM_PRIORITY = 3;
  public static final Duration DEFAULT_MERGE_WINDOW = Duration.ofSeconds(60);
  /** Five lines fit one SMS-sized chat message and show what kind of storm it is. */
  public static final int DEFAULT_DIGEST_LINES = 5;
  /** Ten urgent messages a minute to one phone is already more than a person reads. */
  public static final int DEFAULT_RATE_LIMIT = 10;
  public static final Duration DEFAULT_RATE_LIMIT_PERIOD = Duration.ofMinutes(1);
  /** What {@code mergeGroupBy} may name. */
  public static final java.util.Set<String> GROUP_BY_KEYS = java.util.Set.of("endpoint", "metric", "strategy");
  /** Open-Falcon's alarm texts and IMs only P0..P2; the rest go by mail, so phones ring only for the urgent. */
  public static final int DEFAULT_SMS_MAX_PRIORITY = 2;
  /** Days of failures at any sane rate; an operator replays or clears them long before. */
  public static final int DEFAULT_DEAD_LETTER_CAPACITY = 10_000;

  public SenderConfig {
    tls = tls == null ? TlsConfig.off() : tls;
    lifecycle = lifecycle == null ? io.peregrine.sender.lifecycle.LifecycleConfig.defaults() : lifecycle;
    auth = (auth == null ? AuthConfig.off() : auth).requireHbsUrl("sender");
    Checks.address("sender.httpListen", httpListen);
    redisUrl = trim(redisUrl);
    if (!redisUrl.isEmpty()) {
      checkRedisUrl("sender.redisUrl", redisUrl);
    }
    redisKeyPrefix = redisKeyPrefix == null ? "" : redisKeyPrefix;
    consumerId = trim(consumerId);
    hbsAddress = trim(hbsAddress);
    if (!hbsAddress.isEmpty()) {
      Checks.address("sender.hbsAddress", hbsAddress);
    }
    Checks.positive("sender.receiverCacheTtl", receiverCacheTtl);
    Checks.positive("sender.callTimeout", callTimeout);
    Checks.inRange("sender.workers", workers, 1, 64);
    Checks.positive("sender.retryDeadline", retryDeadline);
    Checks.positive("sender.retryDeadlineOk", retryDeadlineOk);
    Checks.positive("sender.retryBackoff", retryBackoff);
    Checks.positive("sender.deliveryClaimTtl", deliveryClaimTtl);
    Duration longest = retryDeadline.compareTo(retryDeadlineOk) > 0 ? retryDeadline : retryDeadlineOk;
    if (deliveryClaimTtl.compareTo(longest) <= 0) {
      throw new IllegalArgumentException("sender.deliveryClaimTtl (" + deliveryClaimTtl + ") must be longer than "
          + "the retry deadlines (" + longest + "), or a redelivered event could be told twice");
    }
    Checks.positive("sender.retryBackoffMax", retryBackoffMax);
    if (retryBackoffMax.compareTo(retryBackoff) < 0) {
      throw new IllegalArgumentException("sender.retryBackoffMax (" + retryBackoffMax
          + ") must not be below sender.retryBackoff (" + retryBackoff + ")");
    }
    Checks.positive("sender.maxInFlight", maxInFlight);
    Checks.positive("sender.deadLetterCapacity", deadLetterCapacity);
    timeZone = trim(timeZone);
    if (!timeZone.isEmpty()) {
      try {
        ZoneId.of(timeZone);
      } catch (DateTimeException e) {
        throw new IllegalArgumentException("sender.timeZone is not a time zone: '" + timeZone + "'");
      }
    }
    dashboardUrl = httpUrl("sender.dashboardUrl", dashboardUrl);
    webhookUrl = httpUrl("sender.webhookUrl", webhookUrl);
    smsGatewayUrl = httpUrl("sender.smsGatewayUrl", smsGatewayUrl);
    imGatewayUrl = httpUrl("sender.imGatewayUrl", imGatewayUrl);
    Checks.inRange("sender.smsMaxPriority", smsMaxPriority, 0, 6);
    mailGatewayUrl = httpUrl("sender.mailGatewayUrl", mailGatewayUrl);
    smtpHost = trim(smtpHost);
    Checks.inRange("sender.smtpPort", smtpPort, 1, 65535);
    smtpUser = trim(smtpUser);
    smtpPassword = smtpPassword == null ? "" : smtpPassword;
    smtpFrom = trim(smtpFrom);
    if (!smtpHost.isEmpty()) {
      Checks.notBlank("sender.smtpFrom", smtpFrom);
    }
    Checks.positive("sender.httpThreads", httpThreads);
    Checks.inRange("sender.mergeFromPriority", mergeFromPriority, 0, 7);
    Checks.positive("sender.mergeWindow", mergeWindow);
    mergeGroupBy = mergeGroupBy == null ? java.util.List.of() : java.util.List.copyOf(mergeGroupBy);
    for (String g : mergeGroupBy) {
      if (!GROUP_BY_KEYS.contains(g)) {
        throw new IllegalArgumentException("sender.mergeGroupBy: unknown key '" + g + "' (use endpoint, metric, "
            + "strategy)");
      }
    }
    Checks.inRange("sender.digestLines", digestLines, 1, 100);
    Checks.inRange("sender.rateLimit", rateLimit, 0, 1_000_000);
    Checks.positive("sender.rateLimitPeriod", rateLimitPeriod);
    smsBodyTemplate = trim(smsBodyTemplate);
    imBodyTemplate = trim(imBodyTemplate);
    mailBodyTemplate = trim(mailBodyTemplate);
    io.peregrine.sender.channel.BodyTemplate.parse("sender.smsBodyTemplate", smsBodyTemplate);
    io.peregrine.sender.channel.BodyTemplate.parse("sender.imBodyTemplate", imBodyTemplate);
    io.peregrine.sender.channel.BodyTemplate.parse("sender.mailBodyTemplate", mailBodyTemplate);
    dingtalkUrl = httpUrl("sender.dingtalkUrl", dingtalkUrl);
    dingtalkSecret = dingtalkSecret == null ? "" : dingtalkSecret.trim();
    wecomUrl = httpUrl("sender.wecomUrl", wecomUrl);
    feishuUrl = httpUrl("sender.feishuUrl", feishuUrl);
    feishuSecret = feishuSecret == null ? "" : feishuSecret.trim();
    slackUrl = httpUrl("sender.slackUrl", slackUrl);
    smtpTrust = trim(smtpTrust);
    if (smtpImplicitTls && smtpStartTls) {
      throw new IllegalArgumentException("sender.smtpImplicitTls and sender.smtpStartTls exclude each other: "
          + "implicit TLS (port 465) or STARTTLS (port 587), not both");
    }
    if (!console && webhookUrl.isEmpty() && smsGatewayUrl.isEmpty() && imGatewayUrl.isEmpty()
        && mailGatewayUrl.isEmpty() && smtpHost.isEmpty() && dingtalkUrl.isEmpty() && wecomUrl.isEmpty()
        && feishuUrl.isEmpty() && slackUrl.isEmpty()) {
      // events would be acknowledged without anyone being told
      throw new IllegalArgumentException("sender has no channel: set sender.console to true or one of "
          + "sender.webhookUrl, smsGatewayUrl, imGatewayUrl, mailGatewayUrl, smtpHost, dingtalkUrl, wecomUrl, "
          + "feishuUrl, slackUrl");
    }
  }

  public static SenderConfig defaults() {
    return new SenderConfig("127.0.0.1:6066", "", "", "", "127.0.0.1:6030", DEFAULT_RECEIVER_CACHE_TTL,
        DEFAULT_CALL_TIMEOUT, DEFAULT_WORKERS, DEFAULT_RETRY_DEADLINE, DEFAULT_RETRY_DEADLINE_OK,
        DEFAULT_RETRY_BACKOFF, DEFAULT_RETRY_BACKOFF_MAX, DEFAULT_DELIVERY_CLAIM_TTL,
        DEFAULT_MAX_IN_FLIGHT, DEFAULT_DEAD_LETTER_CAPACITY, true, "", "", "", "", "", DEFAULT_SMS_MAX_PRIORITY,
        "", "", 25, "", "", "peregrine@localhost", false, 2, DEFAULT_MERGE_FROM_PRIORITY, DEFAULT_MERGE_WINDOW,
        java.util.List.of(), DEFAULT_DIGEST_LINES, DEFAULT_RATE_LIMIT, DEFAULT_RATE_LIMIT_PERIOD, "", "", "", "", "",
        "", "", "", "", false, "", TlsConfig.off(), io.peregrine.sender.lifecycle.LifecycleConfig.defaults(),
        AuthConfig.off());
  }

  /** The zone messages are written in. */
  public ZoneId zone() {
    return timeZone.isEmpty() ? ZoneId.systemDefault() : ZoneId.of(timeZone);
  }

  /** Checks a Redis URI as Lettuce will read it; the message names the key and shows the expected form. */
  public static void checkRedisUrl(String key, String url) {
    try {
      RedisURI.create(url);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(key + " is not a Redis URI (write redis://host:6379/0): '" + url + "': "
          + e.getMessage());
    }
  }

  private static String httpUrl(String key, String value) {
    String v = trim(value);
    if (v.isEmpty()) {
      return v;
    }
    try {
      URI uri = URI.create(v);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
        return v;
      }
    } catch (IllegalArgumentException e) {
      // answered below with the expected form
    }
    throw new IllegalArgumentException(key + " must be an http:// or https:// URL: '" + v + "'");
  }

  private static String trim(String s) {
    return s == null ? "" : s.trim();
  }

  /** The same settings with another {@code auth} block. */
  public SenderConfig withAuth(AuthConfig a) {
    return new SenderConfig(
        httpListen, redisUrl, redisKeyPrefix, consumerId, hbsAddress, receiverCacheTtl, callTimeout, workers,
        retryDeadline, retryDeadlineOk, retryBackoff, retryBackoffMax, deliveryClaimTtl, maxInFlight,
        deadLetterCapacity, console, timeZone, dashboardUrl, webhookUrl, smsGatewayUrl, imGatewayUrl, smsMaxPriority,
        mailGatewayUrl, smtpHost, smtpPort, smtpUser, smtpPassword, smtpFrom, smtpStartTls, httpThreads,
        mergeFromPriority, mergeWindow, mergeGroupBy, digestLines, rateLimit, rateLimitPeriod, smsBodyTemplate,
        imBodyTemplate, mailBodyTemplate, dingtalkUrl, dingtalkSecret, wecomUrl, feishuUrl, feishuSecret, slackUrl,
        smtpImplicitTls, smtpTrust, tls, lifecycle, a);
  }
}
