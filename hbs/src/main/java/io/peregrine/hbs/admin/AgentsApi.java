package io.peregrine.hbs.admin;

import io.javalin.http.Context;
import io.peregrine.hbs.auth.Principal;
import io.peregrine.hbs.auth.TokenVerifier;
import io.peregrine.hbs.ca.AgentCertificateIssuer;
import io.peregrine.hbs.ca.CaMaterial;
import io.peregrine.hbs.ca.CertificateStore;
import io.peregrine.hbs.ca.Enrolment;
import io.peregrine.hbs.ca.RevocationSync;
import io.peregrine.hbs.store.Database;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Agent identity (docs/SECURITY.md): {@code POST /api/v1/agents/enroll} (a bootstrap token or the node's current
 * certificate, and a CSR; answers the certificate), {@code GET /api/v1/agents/ca} (the CA chain, PEM) and
 * {@code GET /api/v1/agents/revoked} (serials servers must refuse), all three open; {@code GET
 * /api/v1/agents/{node}/certificates} (read), {@code POST /api/v1/agents/{node}/revoke} and {@code DELETE
 * /api/v1/agents/{node}/revocation} (admin). With {@code hbs.ca.enabled} off every route answers 404.
 */
final class AgentsApi extends Resource {
  /** Where Jetty puts the verified client certificate chain of an HTTPS request. */
  static final String CLIENT_CERTS = "jakarta.servlet.request.X509Certificate";

  record EnrollBody(@NotBlank(message = "is required") @Size(max = 253) String node,
      // PEM has line breaks, which every other string field refuses
      @com.fasterxml.jackson.databind.annotation.JsonDeserialize(
          using = com.fasterxml.jackson.databind.deser.std.StringDeserializer.class)
      @NotBlank(message = "is required") @Size(max = AgentCertificateIssuer.MAX_CSR_CHARS) String csr) {
  }

  private final Enrolment enrolment;
  private final CertificateStore store;
  private final RevocationSync revocations;
  private final TokenVerifier tokens;
  private final Clock clock;

  /** @param enrolment null when {@code hbs.ca.enabled} is off */
  AgentsApi(Database db, Bodies bodies, Enrolment enrolment, CertificateStore store, RevocationSync revocations,
      TokenVerifier tokens, Clock clock) {
    super(db, bodies);
    this.enrolment = enrolment;
    this.store = store;
    this.revocations = revocations;
    this.tokens = tokens;
    this.clock = clock;
  }

  @Override
  void routes(Routes r) {
    r.post(Enrolment.PATH, this::enroll);
    r.get("/api/v1/agents/ca", ctx -> ctx.contentType("application/x-pem-file").result(on().ca().chainPem()));
    r.get("/api/v1/agents/revoked", ctx -> {
      on();
      long now = clock.millis();
      ctx.json(Map.of("serials", store.revokedUnexpired(now), "generatedAt", now));
    });
    r.get("/api/v1/agents/{node}/certificates", ctx -> {
      on();
      ctx.json(Map.of("items", store.ofNode(node(ctx)).stream().map(AgentsApi::json).toList()));
    });
    r.post("/api/v1/agents/{node}/revoke", ctx -> {
      on();
      String node = node(ctx);
      Principal p = Access.principal(ctx);
      int n = db.tx(h -> store.revokeNode(h, node, p.user(), clock.millis()));
      revocations.syncNow();
      ctx.json(Map.of("node", node, "revokedCertificates", n));
    });
    r.delete("/api/v1/agents/{node}/revocation", ctx -> {
      on();
      String node = node(ctx);
      if (!db.tx(h -> store.liftNode(h, node))) {
        throw ApiException.notFound("no revocation of node '" + node + "'");
      }
      ctx.json(Map.of("node", node, "lifted", true));
    });
  }

  private void enroll(Context ctx) {
    on();
    EnrollBody b = bodies.read(ctx, EnrollBody.class);
    Principal token = null;
    String header = ctx.header("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = tokens.verify(header.substring(7).trim()).orElse(null);
      if (token == null) {
        ctx.header("WWW-Authenticate", "Bearer realm=\"hbs\"");
        throw new ApiException(401, "the bootstrap token is unknown, revoked or expired");
      }
    }
    X509Certificate[] chain = (X509Certificate[]) ctx.req().getAttribute(CLIENT_CERTS);
    try {
      Enrolment.Result result = enrolment.enroll(b.node(), b.csr(), token,
          chain == null || chain.length == 0 ? null : chain[0]);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("node", result.row().node());
      out.put("serial", result.row().serial());
      out.put("notAfter", Instant.ofEpochMilli(result.row().notAfter()).toString());
      out.put("certificate", pemOf(result.certificate()) + result.chainPem());
      out.put("ca", result.chainPem());
      ctx.json(out);
    } catch (Enrolment.Refused e) {
      if (e.status() == 401) {
        ctx.header("WWW-Authenticate", "Bearer realm=\"hbs\"");
      }
      throw new ApiException(e.status(), e.getMessage());
    }
  }

  private Enrolment on() {
    if (enrolment == null) {
      throw new ApiException(404, "hbs does not issue agent certificates: hbs.ca.enabled is off");
    }
    return enrolment;
  }

  private static String node(Context ctx) {
    String node = ctx.pathParam("node");
    String problem = AgentCertificateIssuer.nodeProblem(node);
    if (problem != null) {
      throw ApiException.badField("node", problem);
    }
    return node;
  }

  private static String pemOf(X509Certificate c) {
    try {
      return "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
          .encodeToString(c.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> json(CertificateStore.Issued i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("serial", i.serial());
    m.put("node", i.node());
    m.put("issuedAt", Instant.ofEpochMilli(i.issuedAt()).toString());
    m.put("notAfter", Instant.ofEpochMilli(i.notAfter()).toString());
    m.put("issuedBy", i.issuedBy());
    m.put("revokedAt", i.revokedAt() == 0 ? null : Instant.ofEpochMilli(i.revokedAt()).toString());
    return m;
  }

  static List<String> openPaths() {
    return List.of(Enrolment.PATH, "/api/v1/agents/ca", "/api/v1/agents/revoked");
  }
}
