package io.peregrine.hbs.ca;

import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.hbs.auth.AuditLog;
import io.peregrine.hbs.auth.Principal;
import io.peregrine.hbs.auth.Scope;
import io.peregrine.hbs.store.Database;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Date;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who gets an agent certificate. A first certificate: a bootstrap token with scope {@code enroll} (or {@code admin}).
 * A renewal: the node's current certificate, presented as the TLS client certificate, issued by this CA, unexpired,
 * not revoked, and naming the same node; no token needed. Either way a node an admin revoked gets nothing until the
 * revocation is lifted. Every certificate issued is recorded ({@link CertificateStore}) and audited.
 */
public final class Enrolment {
  private static final Logger log = LoggerFactory.getLogger(Enrolment.class);
  public static final String PATH = "/api/v1/agents/enroll";

  /** A refusal with the HTTP status it answers (401 no credential, 403 not allowed, 400 a bad request). */
  public static final class Refused extends Exception {
    private final int status;

    public Refused(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  /** What an enrolment answers: the certificate, the chain to present after it, and the record. */
  public record Result(X509Certificate certificate, String chainPem, CertificateStore.Issued row) {}

  private final Database db;
  private final ReloadingCa ca;
  private final AgentCertificateIssuer issuer;
  private final CertificateStore store;
  private final AuditLog audit;
  private final Clock clock;
  private final MeterRegistry registry;

  public Enrolment(Database db, ReloadingCa ca, AgentCertificateIssuer issuer, CertificateStore store, AuditLog audit,
      Clock clock, MeterRegistry registry) {
    this.db = db;
    this.ca = ca;
    this.issuer = issuer;
    this.store = store;
    this.audit = audit;
    this.clock = clock;
    this.registry = registry;
  }

  /** The CA signing now (a renewed one from its next check on). */
  public CaMaterial ca() {
    return ca.current();
  }

  /**
   * @param token the bootstrap token's principal, or null
   * @param clientCert the caller's TLS client certificate, or null
   */
  public Result enroll(String node, String csr, Principal token, X509Certificate clientCert) throws Refused {
    String problem = AgentCertificateIssuer.nodeProblem(node);
    if (problem != null) {
      throw refused("bad_request", 400, "node " + problem);
    }
    String issuedBy;
    if (clientCert != null && issuedHere(clientCert)) {
      issuedBy = renewal(node, clientCert);
    } else if (token != null) {
      if (!token.allows(Scope.ENROLL)) {
        throw refused("scope", 403, "the token of '" + token.user() + "' lacks scope 'enroll' (it has "
            + Scope.toList(token.scopes()) + "); make a bootstrap token with scopes [\"enroll\"]");
      }
      issuedBy = "token:" + token.user() + "/" + token.tokenId();
    } else {
      throw refused("no_credential", 401, "enrolment needs a bootstrap token (Authorization: Bearer <token with "
          + "scope enroll>) or, to renew, the node's current certificate from this CA as the TLS client certificate");
    }
    X509Certificate cert;
    CaMaterial signing = ca.current(); // one CA for the certificate and the chain answered with it
    try {
      cert = issuer.issue(signing, node, csr);
    } catch (AgentCertificateIssuer.BadRequest e) {
      throw refused("bad_request", 400, e.getMessage());
    }
    CertificateStore.Issued row = new CertificateStore.Issued(AgentCertificateIssuer.hex(cert.getSerialNumber()),
        node, clock.millis(), cert.getNotAfter().getTime(), issuedBy, 0);
    boolean shutOut = db.tx(h -> {
      if (store.nodeRevoked(h, node)) {
        return true;
      }
      store.record(h, row);
      return false;
    });
    if (shutOut) {
      throw refused("node_revoked", 403, "node '" + node + "' is revoked; an admin lifts it with DELETE "
          + "/api/v1/agents/" + node + "/revocation");
    }
    audit.append(issuedBy, 0, "POST", PATH, "agents", 0, 200, "{\"node\":\"" + node + "\",\"serial\":\""
        + row.serial() + "\",\"notAfter\":" + row.notAfter() + "}");
    registry.counter("hbs_agent_certificates_issued_total", "kind",
        issuedBy.startsWith("cert:") ? "renewal" : "bootstrap").increment();
    log.info("hbs-ca: issued certificate {} for node '{}' until {} ({})", row.serial(), node,
        cert.getNotAfter().toInstant(), issuedBy);
    return new Result(cert, signing.chainPem(), row);
  }

  private String renewal(String node, X509Certificate cert) throws Refused {
    try {
      cert.checkValidity(Date.from(clock.instant()));
    } catch (GeneralSecurityException e) {
      throw refused("expired", 401, "the client certificate expired at " + cert.getNotAfter().toInstant()
          + "; enrol again with a bootstrap token");
    }
    String cn = AgentCertificateIssuer.commonName(
        org.bouncycastle.asn1.x500.X500Name.getInstance(cert.getSubjectX500Principal().getEncoded()));
    if (!node.equals(cn)) {
      throw refused("foreign_node", 403, "the client certificate of '" + cn + "' cannot renew node '" + node + "'");
    }
    String serial = AgentCertificateIssuer.hex(cert.getSerialNumber());
    CertificateStore.Issued known = db.tx(h -> store.find(h, serial)).orElse(null);
    if (known == null || known.revokedAt() > 0) {
      throw refused("revoked", 403, "the client certificate " + serial + " of '" + node + "' is "
          + (known == null ? "not one this hbs issued" : "revoked") + "; no renewal");
    }
    return "cert:" + serial;
  }

  /**
   * Signed by this CA's key, or by the key of the CA it replaced at its last reload (a renewed intermediate with a
   * new key still renews the certificates its predecessor issued); another CA's falls through to the token.
   */
  private boolean issuedHere(X509Certificate cert) {
    for (CaMaterial m : ca.signers()) {
      try {
        cert.verify(m.certificate().getPublicKey());
        return true;
      } catch (GeneralSecurityException e) {
        // not this one
      }
    }
    return false;
  }

  private Refused refused(String reason, int status, String message) {
    registry.counter("hbs_agent_enrolments_refused_total", "reason", reason).increment();
    return new Refused(status, message);
  }
}
