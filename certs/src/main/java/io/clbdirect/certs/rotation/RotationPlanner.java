package io.clbdirect.certs.rotation;

import io.clbdirect.certs.CaBundle;
import io.clbdirect.certs.CertificateAuthority;
import io.clbdirect.certs.CertificateChecks;
import io.clbdirect.certs.RenewalPolicy;
import io.clbdirect.certs.ServingCertificate;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

/**
 * Decides the next state of the serving material. Pure apart from key generation: the same inputs
 * give the same kind of decision.
 *
 * <p>A CA rotation is sequenced so no client ever meets a leaf it does not trust:
 *
 * <ol>
 *   <li><b>publish</b>: the new CA joins the bundle; the old CA still signs the served leaf;
 *   <li><b>switch</b>: once the webhook configuration's caBundle holds the new CA and the API
 *       server has had {@code propagationDelay} to pick it up, a leaf signed by the new CA is
 *       served;
 *   <li><b>retire</b>: after another {@code propagationDelay} (every replica serves the new leaf),
 *       the old CA leaves the bundle.
 * </ol>
 */
public final class RotationPlanner {

  /** A user's request to rotate now, read from the Secret's annotation. */
  public enum RotateRequest {
    NONE,
    LEAF,
    CA
  }

  /**
   * @param dnsNames names the leaf must carry
   * @param ipAddresses IP SANs the leaf must carry (127.0.0.1 for a url clientConfig)
   * @param policy lifetimes
   * @param propagationDelay how long the API server and the replicas get to see a change
   */
  public record Desired(
      List<String> dnsNames,
      List<InetAddress> ipAddresses,
      RenewalPolicy policy,
      Duration propagationDelay) {
    public Desired {
      dnsNames = List.copyOf(dnsNames);
      ipAddresses = List.copyOf(ipAddresses);
      Objects.requireNonNull(policy);
      Objects.requireNonNull(propagationDelay);
    }
  }

  /**
   * @param material the Secret's content, or null when it is missing or unreadable
   * @param problem why {@code material} is null ("missing", or what is malformed)
   * @param rotateRequest a pending "rotate now"
   * @param publishedBundle the caBundle the webhook configuration carries now, or null if none
   */
  public record Current(
      ServingMaterial material,
      String problem,
      RotateRequest rotateRequest,
      CaBundle publishedBundle) {}

  /**
   * @param next material to write, or null to write nothing
   * @param reason why, for logs, events and metrics; e.g. {@code created}, {@code leaf-renewed}
   * @param recheckAt when to look again even if nothing changes
   */
  public record Plan(ServingMaterial next, String reason, Instant recheckAt) {
    public boolean writes() {
      return next != null;
    }
  }

  private static final String CA_NAME = "clb-direct-webhook-ca";

  /**
   * How long the caBundle may lack a CA the Secret publishes before the publication counts as
   * lagging: longer than the webhook configuration's cache takes to show an apply made in the same
   * pass as the Secret write.
   */
  static final Duration LAGGING_CA_BUNDLE = Duration.ofSeconds(1);

  public Plan plan(Current current, Desired desired, Instant now) {
    // Re-checked every minute against the wall clock, never trusting a monotonic timer alone.
    Instant inAMinute = now.plus(Duration.ofMinutes(1));
    ServingMaterial material = current.material();
    if (material == null) {
      return new Plan(
          fresh(desired, now),
          current.problem() == null ? "created" : current.problem(),
          inAMinute);
    }
    X509Certificate ca = material.signingCa().certificate();
    if (!CertificateChecks.validAt(ca, now)) {
      // Overlap is pointless once the CA is dead: every leaf it signed is already rejected.
      return new Plan(fresh(desired, now), "ca-expired", inAMinute);
    }

    if (material.rotatingCa()) {
      Instant switchAt = material.caPublishedAt().plus(desired.propagationDelay());
      boolean published =
          current.publishedBundle() != null
              && current.publishedBundle().contains(material.nextCa().certificate());
      if (!published && now.isAfter(material.caPublishedAt().plus(LAGGING_CA_BUNDLE))) {
        // The caBundle lags the Secret for longer than one pass takes to apply it: clb-direct
        // crashed between the two writes, or the apply kept failing. The API server's time to
        // load the new CA counts from when the caBundle gets it, so the publication is stamped
        // again now; without this the leaf would switch the moment the caBundle catches up.
        return new Plan(
            new ServingMaterial(
                material.bundle(),
                material.signingCa(),
                material.leaf(),
                material.nextCa(),
                now,
                null),
            "ca-rotation-republished",
            now.plus(Duration.ofSeconds(1)));
      }
      if (published && !now.isBefore(switchAt)) {
        ServingCertificate leaf = issueLeaf(material.nextCa(), desired, now);
        return new Plan(
            new ServingMaterial(material.bundle(), material.nextCa(), leaf, null, null, now),
            "ca-rotation-leaf-switched",
            now.plus(desired.propagationDelay()));
      }
      return new Plan(
          null,
          published ? "ca-rotation-waiting-for-propagation" : "ca-rotation-waiting-for-caBundle",
          published ? switchAt : now.plus(Duration.ofSeconds(1)));
    }

    if (material.leafSwitchedAt() != null) {
      Instant retireAt = material.leafSwitchedAt().plus(desired.propagationDelay());
      if (!now.isBefore(retireAt)) {
        CaBundle retired = material.bundle().retainOnly(List.of(ca));
        return new Plan(
            new ServingMaterial(retired, material.signingCa(), material.leaf(), null, null, null),
            "ca-rotation-old-ca-retired",
            inAMinute);
      }
      return new Plan(null, "ca-rotation-waiting-to-retire-old-ca", retireAt);
    }

    if (current.rotateRequest() == RotateRequest.CA || RenewalPolicy.dueForRenewal(ca, now)) {
      CertificateAuthority next =
          CertificateAuthority.generate(CA_NAME, desired.policy().caLifetime(), clock(now));
      return new Plan(
          new ServingMaterial(
              material.bundle().with(next.certificate()),
              material.signingCa(),
              material.leaf(),
              next,
              now,
              null),
          current.rotateRequest() == RotateRequest.CA
              ? "ca-rotation-requested"
              : "ca-rotation-started",
          now.plus(Duration.ofSeconds(1)));
    }

    X509Certificate leaf = material.leaf().certificate();
    String leafProblem = null;
    if (current.rotateRequest() == RotateRequest.LEAF) {
      leafProblem = "leaf-rotation-requested";
    } else if (!CertificateChecks.covers(leaf, desired.dnsNames(), desired.ipAddresses())) {
      leafProblem = "leaf-names-changed";
    } else if (!CertificateChecks.trustedBy(leaf, List.of(ca), now)) {
      leafProblem = "leaf-invalid";
    } else if (RenewalPolicy.dueForRenewal(leaf, now)) {
      leafProblem = "leaf-renewed";
    }
    CaBundle bundle = material.bundle().with(ca).withoutExpired(now);
    if (leafProblem != null) {
      return new Plan(
          new ServingMaterial(
              bundle,
              material.signingCa(),
              issueLeaf(material.signingCa(), desired, now),
              null,
              null,
              null),
          leafProblem,
          inAMinute);
    }
    if (!bundle.sameAs(material.bundle())) {
      return new Plan(
          new ServingMaterial(bundle, material.signingCa(), material.leaf(), null, null, null),
          "expired-ca-pruned",
          inAMinute);
    }
    Instant next =
        earliest(RenewalPolicy.renewalTime(ca), RenewalPolicy.renewalTime(leaf), inAMinute);
    return new Plan(null, "up-to-date", next);
  }

  private ServingMaterial fresh(Desired desired, Instant now) {
    CertificateAuthority ca =
        CertificateAuthority.generate(CA_NAME, desired.policy().caLifetime(), clock(now));
    return ServingMaterial.of(ca, issueLeaf(ca, desired, now));
  }

  private static ServingCertificate issueLeaf(
      CertificateAuthority ca, Desired desired, Instant now) {
    return ca.issueServing(
        desired.dnsNames(), desired.ipAddresses(), desired.policy().leafLifetime(), clock(now));
  }

  private static Clock clock(Instant now) {
    return Clock.fixed(now, ZoneOffset.UTC);
  }

  private static Instant earliest(Instant... instants) {
    Instant min = instants[0];
    for (Instant instant : instants) {
      if (instant.isBefore(min)) {
        min = instant;
      }
    }
    return min;
  }
}
