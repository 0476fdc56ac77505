package io.peregrine.common.auth;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.server.ThrottledLog;
import io.peregrine.proto.v1.PushResponse;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.LoggerFactory;

/**
 * A caller that pushes with a client certificate pushes only for its own endpoint: the certificate's subject CN (a
 * node name), and, with {@code nodePods}, the endpoints of the pods the Kubernetes API schedules on that node; the
 * CNs in {@code pushForOthers} (push gateways, plugins for remote devices) push for any. A sample for another
 * endpoint is taken out of its batch before the service sees it and answered as a reject ({@code FOREIGN_ENDPOINT},
 * its position and a reason naming both names) in the batch's response; the batch's other samples are taken as
 * usual. Callers without a certificate are not checked here (a token's scope decides for them). Reads only the
 * endpoints of a batch (see {@link EndpointScreen}), so it works on transfer's raw-bytes service; a method whose
 * answer is not a PushResponse is not screened.
 */
public final class OwnEndpointInterceptor implements ServerInterceptor {
  /**
   * Batches of one call taken but not yet answered. The services ask for one message at a time, so one or two is
   * the norm; a call past this is ended with RESOURCE_EXHAUSTED and counted rather than held in memory.
   */
  static final int MAX_UNANSWERED = 64;

  private final String component;
  private final Set<String> pushForOthers;
  private final NodePods nodePods;
  private final Counter refusedBatches;
  private final Counter refusedSamples;
  private final Counter unansweredOverflow;
  private final ThrottledLog refusedLog = new ThrottledLog(LoggerFactory.getLogger(OwnEndpointInterceptor.class),
      Duration.ofSeconds(10));

  public OwnEndpointInterceptor(String component, Set<String> pushForOthers, MeterRegistry registry) {
    this(component, pushForOthers, null, registry);
  }

  /** @param nodePods the pods of each node (auth.nodePods), or null: a certificate pushes for its own name only */
  public OwnEndpointInterceptor(String component, Set<String> pushForOthers, NodePods nodePods,
      MeterRegistry registry) {
    this.component = component;
    this.pushForOthers = Set.copyOf(pushForOthers);
    this.nodePods = nodePods;
    this.refusedBatches = Counter.builder(component + "_auth_refused_total").tag("reason", "foreign_endpoint")
        .description("calls refused for want of a valid token of the route's scope").register(registry);
    this.refusedSamples = Counter.builder(component + "_auth_refused_samples_total").tag("reason",
        "foreign_endpoint").description("samples refused because the caller's certificate may not push for their "
        + "endpoint").register(registry);
    this.unansweredOverflow = Counter.builder(component + "_auth_screen_overflow_total")
        .description("calls ended because more than " + MAX_UNANSWERED + " of their batches waited for an answer")
        .register(registry);
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    String node = certificateName(call);
    if (node == null || pushForOthers.contains(node) || call.getMethodDescriptor().getFullMethodName()
        .startsWith("grpc.health.")) {
      return next.startCall(call, headers);
    }
    // one entry per batch taken, in order: the service answers each batch once, in the order it came
    Queue<EndpointScreen.Screened> screened = new ArrayBlockingQueue<>(MAX_UNANSWERED);
    EndpointScreen.Screened untouched = new EndpointScreen.Screened(null, new int[0], new String[0]);
    ServerCall<Q, A> answering = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      @SuppressWarnings("unchecked")
      public void sendMessage(A message) {
        EndpointScreen.Screened s = screened.poll();
        super.sendMessage(s != null && s.count() > 0 && message instanceof PushResponse r ? (A) s.merge(r)
            : message);
      }
    };
    ServerCall.Listener<Q> delegate = next.startCall(answering, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      @Override
      @SuppressWarnings("unchecked")
      public void onMessage(Q message) {
        EndpointScreen.Screened s = EndpointScreen.screen(message, node, e -> mayPushFor(node, e),
            e -> reason(node, e));
        if (!screened.offer(s == null ? untouched : s)) {
          unansweredOverflow.increment();
          call.close(Status.RESOURCE_EXHAUSTED.withDescription(component + ": more than " + MAX_UNANSWERED
              + " batches of this call wait for an answer"), new Metadata());
          return;
        }
        if (s == null) {
          super.onMessage(message);
          return;
        }
        refusedBatches.increment();
        refusedSamples.increment(s.count());
        refusedLog.warn("{}: {} sample(s) of a batch refused: {}", component, s.count(), s.firstReason());
        super.onMessage((Q) s.kept());
      }
    };
  }

  private boolean mayPushFor(String node, String endpoint) {
    return nodePods != null && nodePods.onNode(node, endpoint);
  }

  private String reason(String node, String endpoint) {
    return component + ": the client certificate of '" + node + "' may push only for endpoint '" + node + "'"
        + (nodePods != null ? " and the pods scheduled on it" : "") + ", not '" + endpoint + "' (" + component
        + ".auth.pushForOthers lists the identities that may push for others)";
  }

  /** The subject CN of the caller's verified certificate, or null without one. */
  static String certificateName(ServerCall<?, ?> call) {
    SSLSession ssl = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    return ssl == null ? null : certificateName(ssl);
  }

  /** The subject CN of the leaf certificate of a TLS session's peer, or null without one. */
  public static String certificateName(SSLSession ssl) {
    try {
      Certificate[] chain = ssl.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x ? commonName(x) : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  public static String commonName(X509Certificate cert) {
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return String.valueOf(rdn.getValue());
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    return null;
  }
}
