package io.clbdirect.certs.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.certs.CaBundle;
import io.clbdirect.certs.CertificateChecks;
import io.clbdirect.certs.RenewalPolicy;
import io.clbdirect.certs.rotation.RotationPlanner.Current;
import io.clbdirect.certs.rotation.RotationPlanner.Desired;
import io.clbdirect.certs.rotation.RotationPlanner.Plan;
import io.clbdirect.certs.rotation.RotationPlanner.RotateRequest;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RotationPlannerTest {

  static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");
  static final Duration DELAY = Duration.ofSeconds(5);
  final RotationPlanner planner = new RotationPlanner();
  final Desired desired = desired(List.of("clb-direct", "clb-direct.system.svc"));

  static Desired desired(List<String> names) {
    try {
      return new Desired(
          names,
          List.of(InetAddress.getByName("127.0.0.1")),
          new RenewalPolicy(Duration.ofDays(365), Duration.ofDays(30)),
          DELAY);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  ServingMaterial created() {
    return planner.plan(new Current(null, null, RotateRequest.NONE, null), desired, T0).next();
  }

  @Test
  void missingSecretIsCreatedWithACaAndALeafForTheWantedNames() {
    Plan plan = planner.plan(new Current(null, null, RotateRequest.NONE, null), desired, T0);

    assertThat(plan.reason()).isEqualTo("created");
    ServingMaterial material = plan.next();
    assertThat(material.bundle().certificates())
        .containsExactly(material.signingCa().certificate());
    assertThat(
            CertificateChecks.trustedBy(
                material.leaf().certificate(), material.bundle().certificates(), T0))
        .isTrue();
    assertThat(
            CertificateChecks.covers(
                material.leaf().certificate(), desired.dnsNames(), desired.ipAddresses()))
        .isTrue();
    assertThat(material.leaf().certificate().getNotAfter().toInstant())
        .isEqualTo(T0.plus(Duration.ofDays(30)));
  }

  @Test
  void malformedSecretIsReissuedNamingTheProblem() {
    Plan plan =
        planner.plan(new Current(null, "missing tls.key", RotateRequest.NONE, null), desired, T0);
    assertThat(plan.writes()).isTrue();
    assertThat(plan.reason()).isEqualTo("missing tls.key");
  }

  @Test
  void healthyMaterialIsLeftAloneAndRecheckedWithinAMinute() {
    ServingMaterial material = created();
    Plan plan =
        planner.plan(
            new Current(material, null, RotateRequest.NONE, material.bundle()),
            desired,
            T0.plusSeconds(30));
    assertThat(plan.writes()).isFalse();
    assertThat(plan.reason()).isEqualTo("up-to-date");
    assertThat(plan.recheckAt()).isBeforeOrEqualTo(T0.plusSeconds(90));
  }

  @Test
  void leafIsRenewedAtTwoThirdsOfItsLifeBySameCa() {
    ServingMaterial material = created();
    Instant beforeRenewal = T0.plus(Duration.ofDays(19));
    Instant afterRenewal = T0.plus(Duration.ofDays(21));

    assertThat(
            planner
                .plan(
                    new Current(material, null, RotateRequest.NONE, material.bundle()),
                    desired,
                    beforeRenewal)
                .writes())
        .isFalse();
    Plan plan =
        planner.plan(
            new Current(material, null, RotateRequest.NONE, material.bundle()),
            desired,
            afterRenewal);

    assertThat(plan.reason()).isEqualTo("leaf-renewed");
    assertThat(plan.next().signingCa()).isEqualTo(material.signingCa());
    assertThat(plan.next().leaf().certificate()).isNotEqualTo(material.leaf().certificate());
    assertThat(
            CertificateChecks.trustedBy(
                plan.next().leaf().certificate(), material.bundle().certificates(), afterRenewal))
        .isTrue();
  }

  @Test
  void changedNamesOrARotateRequestReissueTheLeaf() {
    ServingMaterial material = created();
    Plan renamed =
        planner.plan(
            new Current(material, null, RotateRequest.NONE, material.bundle()),
            desired(List.of("clb-direct", "clb-direct.elsewhere.svc")),
            T0.plusSeconds(10));
    assertThat(renamed.reason()).isEqualTo("leaf-names-changed");
    Plan requested =
        planner.plan(
            new Current(material, null, RotateRequest.LEAF, material.bundle()),
            desired,
            T0.plusSeconds(10));
    assertThat(requested.reason()).isEqualTo("leaf-rotation-requested");
    assertThat(requested.next().leaf().certificate().getSerialNumber())
        .isNotEqualTo(material.leaf().certificate().getSerialNumber());
  }

  /**
   * The whole overlap sequence. At every step the leaf a replica serves must be trusted by whatever
   * caBundle the API server may still hold: the one before the step and the one after it.
   */
  @Test
  void caRotationPublishesFirstSwitchesAfterPropagationAndRetiresLast() {
    ServingMaterial v1 = created();
    CaBundle apiserverBundle = v1.bundle();

    // 1. publish: new CA joins the bundle, leaf untouched.
    Instant t1 = T0.plus(Duration.ofMinutes(10));
    Plan publish =
        planner.plan(new Current(v1, null, RotateRequest.CA, apiserverBundle), desired, t1);
    assertThat(publish.reason()).isEqualTo("ca-rotation-requested");
    ServingMaterial v2 = publish.next();
    assertThat(v2.leaf()).isEqualTo(v1.leaf());
    assertThat(v2.bundle().certificates())
        .containsExactly(v1.signingCa().certificate(), v2.nextCa().certificate());
    assertServedLeafTrusted(v2, List.of(apiserverBundle, v2.bundle()), t1);

    // The webhook configuration has not been updated yet (its cache lags the pass that applied it):
    // no switch, and nothing written.
    Plan early =
        planner.plan(
            new Current(v2, null, RotateRequest.NONE, apiserverBundle),
            desired,
            t1.plusMillis(500));
    assertThat(early.writes()).isFalse();
    assertThat(early.reason()).isEqualTo("ca-rotation-waiting-for-caBundle");

    // caBundle updated, but the API server gets propagationDelay to see it.
    apiserverBundle = v2.bundle();
    Plan waiting =
        planner.plan(
            new Current(v2, null, RotateRequest.NONE, apiserverBundle), desired, t1.plusSeconds(2));
    assertThat(waiting.writes()).isFalse();
    assertThat(waiting.recheckAt()).isEqualTo(t1.plus(DELAY));

    // 2. switch: leaf signed by the new CA; both CAs still published.
    Instant t2 = t1.plus(DELAY);
    Plan switched =
        planner.plan(new Current(v2, null, RotateRequest.NONE, apiserverBundle), desired, t2);
    assertThat(switched.reason()).isEqualTo("ca-rotation-leaf-switched");
    ServingMaterial v3 = switched.next();
    assertThat(v3.signingCa()).isEqualTo(v2.nextCa());
    assertThat(v3.nextCa()).isNull();
    assertThat(v3.bundle().sameAs(v2.bundle())).isTrue();
    assertServedLeafTrusted(v3, List.of(v2.bundle(), v3.bundle()), t2);
    // A replica still serving the old leaf is trusted by the new bundle too.
    assertServedLeafTrusted(v2, List.of(v3.bundle()), t2);

    // 3. retire: only after another propagationDelay.
    assertThat(
            planner
                .plan(
                    new Current(v3, null, RotateRequest.NONE, v3.bundle()),
                    desired,
                    t2.plusSeconds(1))
                .writes())
        .isFalse();
    Instant t3 = t2.plus(DELAY);
    Plan retired =
        planner.plan(new Current(v3, null, RotateRequest.NONE, v3.bundle()), desired, t3);
    assertThat(retired.reason()).isEqualTo("ca-rotation-old-ca-retired");
    ServingMaterial v4 = retired.next();
    assertThat(v4.bundle().certificates()).containsExactly(v3.signingCa().certificate());
    assertThat(v4.leafSwitchedAt()).isNull();
    assertServedLeafTrusted(v4, List.of(v3.bundle(), v4.bundle()), t3);

    assertThat(
            planner
                .plan(
                    new Current(v4, null, RotateRequest.NONE, v4.bundle()),
                    desired,
                    t3.plusSeconds(1))
                .writes())
        .isFalse();
  }

  /**
   * Regression (issue 20, a crash between writing the new CA to the Secret and updating the
   * caBundle): the propagation delay counted from the Secret write, so once the restarted replica
   * updated the caBundle, more than the delay after that write, the leaf switched at once, with no
   * time for the API server to load the new CA (measured: 0.14 s after the caBundle update).
   */
  @Test
  void aCaBundleThatLagsTheSecretRestartsThePropagationWait() {
    ServingMaterial v1 = created();
    CaBundle oldBundle = v1.bundle();
    Instant t1 = T0.plus(Duration.ofMinutes(10));
    ServingMaterial v2 =
        planner.plan(new Current(v1, null, RotateRequest.CA, oldBundle), desired, t1).next();

    // The crash: the caBundle never got the new CA; the replica is back 12 s later.
    Instant back = t1.plusSeconds(12);
    Plan republish =
        planner.plan(new Current(v2, null, RotateRequest.NONE, oldBundle), desired, back);
    assertThat(republish.reason()).isEqualTo("ca-rotation-republished");
    ServingMaterial v2b = republish.next();
    assertThat(v2b.caPublishedAt()).isEqualTo(back);
    assertThat(v2b.nextCa()).isEqualTo(v2.nextCa());
    assertThat(v2b.leaf()).as("still the old CA's leaf").isEqualTo(v2.leaf());
    assertThat(v2b.bundle().sameAs(v2.bundle())).isTrue();

    // The same pass applies the caBundle; the switch waits a full delay from then.
    CaBundle bothCas = v2b.bundle();
    Plan waiting =
        planner.plan(
            new Current(v2b, null, RotateRequest.NONE, bothCas), desired, back.plusSeconds(1));
    assertThat(waiting.writes()).isFalse();
    assertThat(waiting.reason()).isEqualTo("ca-rotation-waiting-for-propagation");
    assertThat(waiting.recheckAt()).isEqualTo(back.plus(DELAY));
    assertThat(
            planner
                .plan(
                    new Current(v2b, null, RotateRequest.NONE, bothCas), desired, back.plus(DELAY))
                .reason())
        .isEqualTo("ca-rotation-leaf-switched");

    // Without the new stamp (the Secret as the crash left it), the switch came at once.
    assertThat(
            planner
                .plan(
                    new Current(v2, null, RotateRequest.NONE, bothCas),
                    desired,
                    back.plusSeconds(1))
                .reason())
        .as("what the old stamp allows: why it must be renewed")
        .isEqualTo("ca-rotation-leaf-switched");
  }

  @Test
  void caRotationStartsOnItsOwnAtTwoThirdsOfTheCaLife() {
    ServingMaterial material = created();
    Instant due = T0.plus(Duration.ofDays(244));
    Plan plan =
        planner.plan(
            new Current(material, null, RotateRequest.NONE, material.bundle()), desired, due);
    assertThat(plan.reason()).isEqualTo("ca-rotation-started");
    assertThat(plan.next().nextCa()).isNotNull();
  }

  @Test
  void anExpiredCaIsReplacedOutright() {
    ServingMaterial material = created();
    Plan plan =
        planner.plan(
            new Current(material, null, RotateRequest.NONE, material.bundle()),
            desired,
            T0.plus(Duration.ofDays(400)));
    assertThat(plan.reason()).isEqualTo("ca-expired");
    assertThat(plan.next().signingCa()).isNotEqualTo(material.signingCa());
  }

  @Test
  void codecRoundTripsEveryPhase() throws Exception {
    ServingMaterial v1 = created();
    ServingMaterial v2 =
        planner
            .plan(new Current(v1, null, RotateRequest.CA, v1.bundle()), desired, T0.plusSeconds(60))
            .next();
    ServingMaterial v3 =
        planner
            .plan(
                new Current(v2, null, RotateRequest.NONE, v2.bundle()),
                desired,
                T0.plusSeconds(120))
            .next();
    for (ServingMaterial material : List.of(v1, v2, v3)) {
      SecretCodec.SecretContent content = SecretCodec.encode(material);
      ServingMaterial back = SecretCodec.decode(content.data(), content.annotations());
      assertThat(back.bundle().sameAs(material.bundle())).isTrue();
      assertThat(back.leaf().certificate()).isEqualTo(material.leaf().certificate());
      assertThat(back.signingCa().certificate()).isEqualTo(material.signingCa().certificate());
      assertThat(back.nextCa() == null ? null : back.nextCa().certificate())
          .isEqualTo(material.nextCa() == null ? null : material.nextCa().certificate());
      assertThat(back.caPublishedAt()).isEqualTo(material.caPublishedAt());
      assertThat(back.leafSwitchedAt()).isEqualTo(material.leafSwitchedAt());
    }
  }

  @Test
  void codecRefusesBrokenSecretsWithoutLeakingKeys() {
    ServingMaterial material = created();
    SecretCodec.SecretContent content = SecretCodec.encode(material);
    java.util.Map<String, byte[]> data = new java.util.HashMap<>(content.data());
    data.remove(SecretCodec.TLS_KEY);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SecretCodec.decode(data, content.annotations()))
        .hasMessage("missing tls.key");

    java.util.Map<String, byte[]> swapped = new java.util.HashMap<>(content.data());
    ServingMaterial other = created();
    swapped.put(SecretCodec.TLS_CRT, SecretCodec.encode(other).data().get(SecretCodec.TLS_CRT));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SecretCodec.decode(swapped, content.annotations()))
        .hasMessageContaining("not signed by the signing CA")
        .hasMessageNotContaining("PRIVATE");
  }

  private static void assertServedLeafTrusted(
      ServingMaterial material, List<CaBundle> bundles, Instant when) {
    for (CaBundle bundle : bundles) {
      assertThat(
              CertificateChecks.trustedBy(
                  material.leaf().certificate(), bundle.certificates(), when))
          .as(
              "leaf %s trusted by a bundle of %d CAs",
              material.leaf().certificate().getSerialNumber(), bundle.certificates().size())
          .isTrue();
    }
  }
}
