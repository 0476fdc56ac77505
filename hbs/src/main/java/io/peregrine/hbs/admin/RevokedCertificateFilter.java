package io.peregrine.hbs.admin;

import io.javalin.http.Context;
import io.peregrine.common.auth.RevokedCertificateCheck;
import java.security.cert.X509Certificate;

/**
 * The admin port's before-handler that refuses a request presenting a revoked agent certificate with 403 and the
 * reason, as hbs's gRPC port refuses it (one count, {@code hbs_auth_refused_total{reason="revoked_certificate"}}).
 * {@code /health} stays open; enrolment answers a revoked certificate itself (a renewal it refuses, with its own
 * reason and count).
 */
final class RevokedCertificateFilter {
  private final RevokedCertificateCheck check;

  RevokedCertificateFilter(RevokedCertificateCheck check) {
    this.check = check;
  }

  void check(Context ctx) {
    String path = ctx.path();
    if (path.equals("/health") || path.equals("/api/v1/agents/enroll")) {
      return;
    }
    X509Certificate[] chain = (X509Certificate[]) ctx.req().getAttribute(AgentsApi.CLIENT_CERTS);
    String refusal = check.refusal(chain == null || chain.length == 0 ? null : chain[0]);
    if (refusal != null) {
      throw new ApiException(403, refusal);
    }
  }
}
