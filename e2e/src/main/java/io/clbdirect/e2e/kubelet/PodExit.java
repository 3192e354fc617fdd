package io.clbdirect.e2e.kubelet;

import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a fake Pod's containers end on their own, which real containers do and fake ones cannot by
 * themselves. Pure. Two causes, the earlier wins, whether or not the Pod is Ready (a gated Pod that
 * is not Ready still runs):
 *
 * <ul>
 *   <li>the annotation {@value #EXIT_AFTER_ANNOTATION} (e.g. {@code 3s}, {@code 500ms}, {@code
 *       2m}), counted from the containers' start: every container exits with code 0, as a Job's
 *       work that is done. With {@code restartPolicy: Never} or {@code OnFailure} the Pod is {@code
 *       Succeeded}. Under {@code Always} a kubelet would restart the container, which the fake
 *       kubelet does not play: the annotation is ignored there;
 *   <li>{@code spec.activeDeadlineSeconds}, counted from the Pod's {@code startTime} (when the
 *       kubelet first took it, volumes still mounting) as the kubelet enforces it: the containers
 *       are killed (exit code 137) and the Pod is {@code Failed} with reason {@code
 *       DeadlineExceeded}.
 * </ul>
 */
public final class PodExit {

  public static final String EXIT_AFTER_ANNOTATION = "fake-kubelet.clb-direct.io/exit-after";

  /** The kubelet's own words (pkg/kubelet/active_deadline.go). */
  static final String DEADLINE_REASON = "DeadlineExceeded";

  static final String DEADLINE_MESSAGE =
      "Pod was active on the node longer than the specified deadline";
  private static final Pattern DURATION = Pattern.compile("\\s*(\\d+)\\s*(ms|s|m|h)\\s*");

  /** How the containers ended. */
  public enum Cause {
    /** exit-after: exit code 0, Pod Succeeded. */
    COMPLETED,
    /** activeDeadlineSeconds: killed, Pod Failed. */
    DEADLINE_EXCEEDED
  }

  /** The containers end {@code at}, for {@code cause}. */
  public record Planned(Instant at, Cause cause) {}

  private PodExit() {}

  /**
   * @param podStarted the Pod's {@code status.startTime}
   * @param containersStarted when its containers started running
   * @return when and why the Pod's containers end, or empty when they run until the Pod is deleted
   * @throws IllegalArgumentException when the annotation is set but is not a duration this reads
   */
  public static Optional<Planned> plan(V1Pod pod, Instant podStarted, Instant containersStarted) {
    Optional<Planned> exit =
        exitAfter(pod).map(after -> new Planned(containersStarted.plus(after), Cause.COMPLETED));
    Long deadline = pod.getSpec().getActiveDeadlineSeconds();
    if (deadline == null) {
      return exit;
    }
    Planned killed = new Planned(podStarted.plusSeconds(deadline), Cause.DEADLINE_EXCEEDED);
    return exit.filter(e -> e.at().isBefore(killed.at())).or(() -> Optional.of(killed));
  }

  private static Optional<Duration> exitAfter(V1Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(EXIT_AFTER_ANNOTATION);
    if (value == null || "Always".equals(restartPolicy(pod))) {
      return Optional.empty();
    }
    return Optional.of(parse(value));
  }

  /** The Pod's restart policy, with the API's default. */
  static String restartPolicy(V1Pod pod) {
    String policy = pod.getSpec().getRestartPolicy();
    return policy == null ? "Always" : policy;
  }

  /** {@code 500ms}, {@code 3s}, {@code 2m}, {@code 1h}. */
  static Duration parse(String value) {
    Matcher m = DURATION.matcher(value);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          EXIT_AFTER_ANNOTATION + ": \"" + value + "\" is not a duration like 500ms, 3s, 2m or 1h");
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    };
  }
}
