package io.peregrine.sender;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peregrine.common.config.ConfigException;
import io.peregrine.common.event.AlertSource;
import io.peregrine.common.event.InProcessAlertQueue;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.lifecycle.Lifecycle;
import io.peregrine.common.server.HealthChecks;
import io.peregrine.common.auth.Scope;
import io.peregrine.common.auth.TokenChecks;
import io.peregrine.common.server.HttpServerHost;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.server.SelfMetrics;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.sender.api.DeadLetterHandler;
import io.peregrine.sender.channel.Channel;
import io.peregrine.sender.channel.Channels;
import io.peregrine.sender.claim.DeliveryClaims;
import io.peregrine.sender.claim.InProcessDeliveryClaims;
import io.peregrine.sender.deliver.Dispatcher;
import io.peregrine.sender.channel.Secrets;
import io.peregrine.sender.lifecycle.AckLinkHandler;
import io.peregrine.sender.lifecycle.AckLinks;
import io.peregrine.sender.lifecycle.EscalationSteps;
import io.peregrine.sender.lifecycle.EscalationStore;
import io.peregrine.sender.lifecycle.Escalator;
import io.peregrine.sender.lifecycle.HbsIncidentHistory;
import io.peregrine.sender.lifecycle.InProcessEscalationStore;
import io.peregrine.sender.lifecycle.HbsSilences;
import io.peregrine.sender.lifecycle.IncidentHistory;
import io.peregrine.sender.lifecycle.InProcessIncidentStore;
import io.peregrine.sender.lifecycle.IncidentHandler;
import io.peregrine.sender.lifecycle.IncidentStore;
import io.peregrine.sender.lifecycle.LifecycleConfig;
import io.peregrine.sender.lifecycle.IncidentGate;
import io.peregrine.sender.lifecycle.Silences;
import io.peregrine.sender.message.MessageFormatter;
import io.peregrine.sender.queue.DeadLetters;
import io.peregrine.sender.queue.InProcessDeadLetters;
import io.peregrine.sender.queue.RedisAlertSource;
import io.peregrine.sender.receiver.HbsReceiverDirectory;
import io.peregrine.sender.receiver.ReceiverDirectory;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender: takes alert events (Redis {@code event:p0..p6}, most urgent first, or an in-process queue), asks hbs
 * who is told, and delivers through the enabled channels with retries; what cannot be delivered ends in a dead-letter
 * list an operator can read and replay over HTTP. Open-Falcon's alarm only logged a failed send.
 */
public final class SenderServer implements Component {
  private static final Logger log = LoggerFactory.getLogger(SenderServer.class);

  private final SenderConfig config;
  private final PrometheusMeterRegistry registry = SelfMetrics.newRegistry("sender");
  private final Lifecycle lifecycle = new Lifecycle("sender");
  private final AlertSource source;
  private final List<Channel> channels;
  private final ThreadPoolExecutor httpClientExecutor;
  private final Dispatcher dispatcher;
  private final HttpServerHost http;
  private final IncidentStore incidents;
  private final AckLinks ackLinks;
  private final Escalator escalator;

  /**
   * @param source where events come from; null = Redis at {@code config.redisUrl()} (then it must be set)
   * @param console where the console channel prints (System.out in the launcher)
   */
  public SenderServer(SenderConfig config, AlertSource source, PrintStream console) {
    this(config, source, console, Clock.systemUTC());
  }

  /** @param clock the time the sender goes by (receiver cache, incidents, retries); tests pass a manual one */
  public SenderServer(SenderConfig config, AlertSource source, PrintStream console, Clock clock) {
    this(config, source, null, console, clock);
  }

  /** @param claimStore who was told what; null = the Redis source's, or an in-process store */
  SenderServer(SenderConfig config, AlertSource source, DeliveryClaims claimStore, PrintStream console,
      Clock clock) {
    this.config = config;
    TlsMaterial tls = lifecycle.add(new TlsMaterial("sender", config.tls(), registry)
        .withCallToken(config.auth().token()));
    if (source == null) {
      if (config.redisUrl().isEmpty()) {
        throw new ConfigException("sender needs an alert queue: set sender.redisUrl (environment variable "
            + "PEREGRINE_SENDER_REDIS_URL), e.g. redis://127.0.0.1:6379/0, the Redis the judges write to");
      }
      RedisAlertSource redis = new RedisAlertSource(config.redisUrl(), config.redisKeyPrefix(),
          consumerId(config), config.deadLetterCapacity(), registry, clock);
      lifecycle.add(redis);
      this.source = redis;
    } else {
      this.source = source;
    }
    // who was told what: in the Redis the events come from, so every sender on that queue shares it
    DeliveryClaims claims = claimStore != null ? claimStore
        : this.source instanceof RedisAlertSource r ? r.claims() : new InProcessDeliveryClaims(clock);
    // open incidents and their acknowledgements: in the same Redis too, so every sender sees one state
    LifecycleConfig lc = config.lifecycle();
    this.incidents = this.source instanceof RedisAlertSource r ? r.incidents(lc.incidentTtl())
        : new InProcessIncidentStore(clock, lc.incidentTtl());
    AckLinks links = null;
    if (lc.links()) {
      String secret = Secrets.resolve("sender.lifecycle.ackSecret", lc.ackSecret());
      if (secret.length() < LifecycleConfig.MIN_SECRET_LENGTH) {
        throw new ConfigException("sender.lifecycle.ackSecret must be at least " + LifecycleConfig.MIN_SECRET_LENGTH
            + " characters (the file gives " + secret.length() + ")");
      }
      links = new AckLinks(lc.ackUrl(), secret, lc.ackLinkTtl());
    }
    ReceiverDirectory receivers = ReceiverDirectory.OFF;
    Silences silences = Silences.NONE;
    IncidentHistory history = IncidentHistory.NONE;
    if (!config.hbsAddress().isEmpty()) {
      history = lifecycle.add(new HbsIncidentHistory(config.hbsAddress(), consumerId(config), config.callTimeout(),
          registry).tls(tls));
      receivers = lifecycle.add(new HbsReceiverDirectory(config.hbsAddress(), config.receiverCacheTtl(),
          config.callTimeout(), clock, registry).tls(tls));
      silences = lifecycle.add(new HbsSilences(config.hbsAddress(), config.lifecycle().silenceRefresh(),
          config.callTimeout(), clock, registry).tls(tls));
    }
    // the JDK client's default executor is an unbounded cached pool; it only runs completions here
    this.httpClientExecutor = NamedExecutors.fixed("sender-http-client", 2, 1024,
        new ThreadPoolExecutor.AbortPolicy());
    HttpClient httpClient = HttpClient.newBuilder().connectTimeout(config.callTimeout())
        .executor(httpClientExecutor).build();
    this.channels = Channels.enabled(config, console, httpClient);
    IncidentGate gate = new IncidentGate(silences, incidents, links, clock, config.zone(), history);
    this.dispatcher = lifecycle.add(new Dispatcher(config, this.source, channels, receivers,
        new MessageFormatter(config.zone(), config.dashboardUrl()), claims, clock, registry, gate));
    // escalations next to the incidents: one Redis state for every sender, or this process's
    EscalationStore escalationStore = this.source instanceof RedisAlertSource r ? r.escalations(lc.incidentTtl())
        : new InProcessEscalationStore(incidents, clock, lc.incidentTtl());
    this.escalator = lifecycle.add(new Escalator(escalationStore, receivers, silences, new EscalationSteps(channels,
        new MessageFormatter(config.zone(), config.dashboardUrl()), history, links, clock), clock,
        lc.escalationTick(), config.callTimeout().multipliedBy(3).plusSeconds(5), registry));
    gate.escalations(escalator);
    HealthChecks health = new HealthChecks()
        .add("source", this.source::healthy)
        .add("workers", dispatcher::running);
    this.http = lifecycle.add(new HttpServerHost("sender-http", config.httpListen(), config.httpThreads(), registry,
        health, tls).route(DeadLetterHandler.PATH, new DeadLetterHandler(deadLetters(this.source)))
        .route(IncidentHandler.PATH, new IncidentHandler(incidents, clock, history))
        .route(AckLinkHandler.PATH, new AckLinkHandler(links, incidents, clock, history))
        .guard(TokenChecks.atHbs("sender", config.auth(), tls, SenderServer::scopeFor, registry),
            config.auth().metricsOpen()));
    this.ackLinks = links;
  }

  /**
   * Dead letters are an operator's (admin); incidents are read to look and written to acknowledge; a signed ack
   * link needs no token, its signature is the permission.
   */
  static Scope scopeFor(String method, String path) {
    if (path.startsWith(AckLinkHandler.PATH)) {
      return null;
    }
    if (path.startsWith(IncidentHandler.PATH)) {
      return "GET".equals(method) ? Scope.READ : Scope.WRITE;
    }
    return Scope.ADMIN;
  }

  private static DeadLetters deadLetters(AlertSource source) {
    if (source instanceof DeadLetters d) {
      return d;
    }
    return source instanceof InProcessAlertQueue q ? new InProcessDeadLetters(q) : null;
  }

  /** The configured consumer id, else the host name: each sender on one Redis has its own processing list. */
  static String consumerId(SenderConfig config) {
    if (!config.consumerId().isEmpty()) {
      return config.consumerId();
    }
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      log.warn("sender: host name unknown ({}); using consumer id 'sender': set sender.consumerId when several "
          + "senders share a Redis", e.getMessage());
      return "sender";
    }
  }

  @Override
  public String name() {
    return "sender";
  }

  @Override
  public void start() throws Exception {
    lifecycle.start();
    log.info("sender: channels {}; receivers {}; source {}; acknowledgement links {}", channels.stream()
        .map(Channel::name).collect(Collectors.joining(", ")),
        config.hbsAddress().isEmpty() ? "off" : "from hbs " + config.hbsAddress(),
        source instanceof RedisAlertSource r ? r.where() + " prefix '" + config.redisKeyPrefix() + "'"
            : source.getClass().getSimpleName(),
        ackLinks == null ? "off" : "to " + config.lifecycle().ackUrl() + " (key " + ackLinks.fingerprint() + ")");
  }

  public int httpPort() {
    return http.port();
  }

  /** The workers (tests with an injected clock flush digests through it). */
  public Dispatcher dispatcher() {
    return dispatcher;
  }

  /** Open incidents and their acknowledgements (Redis when the source is Redis). */
  public IncidentStore incidents() {
    return incidents;
  }

  /** Escalation steps (tests with an injected clock tick it). */
  public Escalator escalator() {
    return escalator;
  }

  /** The acknowledgement links, or null when they are off. */
  public AckLinks ackLinks() {
    return ackLinks;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The source events come from (the Redis one when this server built it). */
  public AlertSource source() {
    return source;
  }

  @Override
  public void close() {
    lifecycle.close(); // idempotent: the lifecycle closes its parts once
    NamedExecutors.shutdown(httpClientExecutor, "sender-http-client", Duration.ofSeconds(2));
  }
}
