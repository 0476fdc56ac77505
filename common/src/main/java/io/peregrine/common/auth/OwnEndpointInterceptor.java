package io.peregrine.common.auth;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * A caller that pushes with a client certificate pushes only for its own endpoint: the certificate's subject CN (a
 * node name) must equal every sample's endpoint, unless the CN is in {@code pushForOthers} (push gateways, plugins
 * for remote devices). A batch with another endpoint ends the call with PERMISSION_DENIED naming both names; nothing
 * of it is taken. Callers without a certificate are not checked here (a token's scope decides for them). Reads only
 * the endpoints of a batch (a field scan of the serialized bytes, or the parsed message), so it works on transfer's
 * raw-bytes service.
 */
public final class OwnEndpointInterceptor implements ServerInterceptor {
  /** Protobuf tags (field number << 3 | wire type) of SampleBatch.samples and Sample.endpoint. */
  private static final int SAMPLES = SampleBatch.SAMPLES_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int ENDPOINT = Sample.ENDPOINT_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  private final String component;
  private final Set<String> pushForOthers;
  private final Counter refused;

  public OwnEndpointInterceptor(String component, Set<String> pushForOthers, MeterRegistry registry) {
    this.component = component;
    this.pushForOthers = Set.copyOf(pushForOthers);
    this.refused = Counter.builder(component + "_auth_refused_total").tag("reason", "foreign_endpoint")
        .description("calls refused for want of a valid token of the route's scope").register(registry);
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    String node = certificateName(call);
    if (node == null || pushForOthers.contains(node) || call.getMethodDescriptor().getFullMethodName()
        .startsWith("grpc.health.")) {
      return next.startCall(call, headers);
    }
    ServerCall.Listener<Q> delegate = next.startCall(call, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      private boolean closed;

      @Override
      public void onMessage(Q message) {
        if (closed) {
          return;
        }
        String foreign = foreignEndpoint(message, node);
        if (foreign == null) {
          super.onMessage(message);
          return;
        }
        closed = true;
        refused.increment();
        call.close(Status.PERMISSION_DENIED.withDescription(component + ": the client certificate of '" + node
            + "' may push only for endpoint '" + node + "', not '" + foreign + "' (" + component
            + ".auth.pushForOthers lists the identities that may push for others)"), new Metadata());
      }

      @Override
      public void onHalfClose() {
        if (!closed) {
          super.onHalfClose();
        }
      }
    };
  }

  /** The subject CN of the caller's verified certificate, or null without one. */
  static String certificateName(ServerCall<?, ?> call) {
    SSLSession ssl = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (ssl == null) {
      return null;
    }
    try {
      Certificate[] chain = ssl.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x ? commonName(x) : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  static String commonName(X509Certificate cert) {
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

  /** The first endpoint other than {@code own}, or null when every sample is {@code own}'s (or unreadable). */
  static String foreignEndpoint(Object message, String own) {
    if (message instanceof SampleBatch batch) {
      for (Sample s : batch.getSamplesList()) {
        if (!s.getEndpoint().equals(own)) {
          return s.getEndpoint();
        }
      }
      return null;
    }
    if (!(message instanceof byte[] bytes)) {
      return null;
    }
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag != SAMPLES) {
          in.skipField(tag);
          continue;
        }
        int limit = in.pushLimit(in.readRawVarint32());
        String endpoint = "";
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
          if (t == ENDPOINT) {
            endpoint = in.readStringRequireUtf8();
          } else {
            in.skipField(t);
          }
        }
        in.popLimit(limit);
        if (!endpoint.equals(own)) {
          return endpoint;
        }
      }
      return null;
    } catch (IOException e) {
      return null; // a malformed batch is refused by the service itself, with its reason
    }
  }
}
