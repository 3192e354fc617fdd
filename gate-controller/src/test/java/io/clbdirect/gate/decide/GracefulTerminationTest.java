package io.clbdirect.gate.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.clbdirect.gate.decide.GracefulTermination.GraceDeletion;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GracefulTerminationTest {

  static final String SVC_SHUTDOWN = GracefulTermination.GRACE_SHUTDOWN_ANNOTATION;
  static final String ING_SHUTDOWN = GracefulTermination.INGRESS_GRACE_SHUTDOWN_ANNOTATION;
  static final String SVC_DELETION = GracefulTermination.GRACE_DELETION_ANNOTATION;
  static final String ING_DELETION = GracefulTermination.INGRESS_GRACE_DELETION_ANNOTATION;

  /**
   * kind | grace-shutdown annotation (name=value, '-' none) | grace-deletion annotation |
   * EnablePodGracefulDeletion | graceful deletion | deleted Pods drained (weight 0 first) | a note
   * | a problem
   */
  @ParameterizedTest(name = "{0} {1} {2} default={3} -> {4}")
  @CsvSource(
      delimiter = '|',
      value = {
        // nothing asked for
        "SERVICE | -                         | -                          | false | OFF                   | false | false | false",
        // grace shutdown alone: weight 0, but no graceful deletion to explain; either spelling on
        // either kind
        "SERVICE | "
            + SVC_SHUTDOWN
            + "=true | -                          | false | OFF                   | true  | false | false",
        "SERVICE | "
            + ING_SHUTDOWN
            + "=true | -                          | false | OFF                   | true  | false | false",
        "INGRESS | "
            + SVC_SHUTDOWN
            + "=true | -                          | false | OFF                   | true  | false | false",
        "SERVICE | "
            + SVC_SHUTDOWN
            + "=no   | -                          | false | OFF                   | false | false | false",
        // the annotation, any letter case and blanks
        "SERVICE | -                         | "
            + SVC_DELETION
            + "=true  | false | ON_BY_ANNOTATION      | true  | true  | false",
        "SERVICE | -                         | "
            + SVC_DELETION
            + "= TRUE | false | ON_BY_ANNOTATION      | true  | true  | false",
        "INGRESS | -                         | "
            + ING_DELETION
            + "=true  | false | ON_BY_ANNOTATION      | true  | true  | false",
        // each kind reads only its own spelling, as TKE's controllers do
        "INGRESS | -                         | "
            + SVC_DELETION
            + "=true  | false | OFF                   | false | false | false",
        "SERVICE | -                         | "
            + ING_DELETION
            + "=true  | false | OFF                   | false | false | false",
        // the cluster default, overridden by the annotation both ways
        "SERVICE | -                         | -                          | true  | ON_BY_CLUSTER_DEFAULT | true  | true  | false",
        "INGRESS | -                         | -                          | true  | ON_BY_CLUSTER_DEFAULT | true  | true  | false",
        "SERVICE | -                         | "
            + SVC_DELETION
            + "=false | true  | OFF_BY_ANNOTATION     | false | false | false",
        "INGRESS | -                         | "
            + ING_DELETION
            + "=False | true  | OFF_BY_ANNOTATION     | false | false | false",
        "SERVICE | -                         | "
            + SVC_DELETION
            + "=true  | true  | ON_BY_ANNOTATION      | true  | true  | false",
        "SERVICE | -                         | "
            + SVC_DELETION
            + "=false | false | OFF_BY_ANNOTATION     | false | false | false",
        // "false" turns graceful deletion off, not graceful shutdown
        "SERVICE | "
            + SVC_SHUTDOWN
            + "=true | "
            + SVC_DELETION
            + "=false | true  | OFF_BY_ANNOTATION     | true  | false | false",
        // neither "true" nor "false": the cluster default applies, and the user is told
        "SERVICE | -                         | "
            + SVC_DELETION
            + "=yes   | true  | ON_BY_CLUSTER_DEFAULT | true  | true  | true",
        "SERVICE | -                         | "
            + SVC_DELETION
            + "=yes   | false | OFF                   | false | false | true",
      })
  void table(
      FrontendAnnotations kind,
      String shutdown,
      String deletion,
      boolean clusterDefault,
      GraceDeletion expected,
      boolean drains,
      boolean note,
      boolean problem) {
    Map<String, String> annotations = new HashMap<>();
    for (String entry : new String[] {shutdown, deletion}) {
      if (!entry.equals("-")) {
        annotations.put(
            entry.substring(0, entry.indexOf('=')), entry.substring(entry.indexOf('=') + 1));
      }
    }

    GracefulTermination termination = GracefulTermination.of(kind, annotations, clusterDefault);

    assertThat(termination.graceDeletion()).isEqualTo(expected);
    assertThat(termination.drainsDeletedPods()).isEqualTo(drains);
    assertThat(termination.note().isPresent()).as("note").isEqualTo(note);
    assertThat(termination.problem().isPresent()).as("problem").isEqualTo(problem);
  }

  @Test
  void theNoteSaysWhereItCameFromAndWhatDiffersFromTke() {
    String byAnnotation =
        GracefulTermination.of(FrontendAnnotations.INGRESS, Map.of(ING_DELETION, "true"), false)
            .note()
            .orElseThrow();
    assertThat(byAnnotation)
        .startsWith(
            "graceful deletion is on (ingress.cloud.tencent.com/enable-grace-deletion: \"true\")")
        .contains("weight 0 at once")
        .contains("deregistered when the Pod is gone")
        .contains("no kubelet here waits for the weight change to land")
        .contains("clb-direct.webhook.drain.seconds")
        .contains("clb-direct.io/drain: \"false\"");
    String byDefault =
        GracefulTermination.of(FrontendAnnotations.SERVICE, null, true).note().orElseThrow();
    assertThat(byDefault)
        .startsWith(
            "graceful deletion is on (EnablePodGracefulDeletion: \"true\" in kube-system/tke-service-controller-config)");
  }

  @Test
  void anInvalidValueIsNamedShortened() {
    String problem =
        GracefulTermination.of(
                FrontendAnnotations.SERVICE, Map.of(SVC_DELETION, "x".repeat(100)), false)
            .problem()
            .orElseThrow();
    assertThat(problem)
        .startsWith(
            SVC_DELETION + ": \"" + "x".repeat(40) + "...\" is neither \"true\" nor \"false\"")
        .endsWith("graceful deletion is off");
  }

  @Test
  void noneIsOff() {
    GracefulTermination none = GracefulTermination.none(FrontendAnnotations.INGRESS);
    assertThat(none.drainsDeletedPods()).isFalse();
    assertThat(none.note()).isEmpty();
    assertThat(none.problem()).isEmpty();
    assertThat(none)
        .isEqualTo(GracefulTermination.of(FrontendAnnotations.INGRESS, Map.of(), false));
  }
}
