package io.clbdirect.e2e.kubelet;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * The {@code status} the kubelet would post for a Pod, as a strategic merge patch: waiting for its
 * volumes, running, or ended ({@link PodExit}). Conditions keep their transition time unless their
 * status changes, as the kubelet's status manager does. Pure.
 */
final class PodStatusPatch {

  static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
  static final String CONTAINER_CREATING = "ContainerCreating";

  /**
   * The kubelet's reasons for a Pod whose containers all ended (pkg/kubelet/status/generate.go).
   */
  static final String POD_COMPLETED = "PodCompleted";

  static final String POD_FAILED = "PodFailed";

  private PodStatusPatch() {}

  static String now() {
    return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).format(RFC3339);
  }

  /**
   * Scheduled, but the containers cannot start yet: Pending, every container waiting with {@code
   * reason}.
   */
  static JsonObject waiting(V1Pod pod, String reason, String message, String now) {
    List<String> names = pod.getSpec().getContainers().stream().map(V1Container::getName).toList();
    V1PodCondition ready =
        PodReadiness.ready(names, pod.getSpec().getReadinessGates(), conditions(pod));
    JsonObject status = new JsonObject();
    status.addProperty("phase", "Pending");
    status.addProperty("hostIP", "127.0.0.1");
    status.add("hostIPs", ips("127.0.0.1"));
    startTime(pod, status, now);
    status.add(
        "conditions",
        conditions(
            pod,
            now,
            List.of(
                condition("PodScheduled", "True", null, null),
                condition("Initialized", "True", null, null),
                condition(
                    "ContainersReady",
                    "False",
                    PodReadiness.CONTAINERS_NOT_READY,
                    ready.getMessage()),
                ready)));
    JsonArray statuses = new JsonArray();
    for (V1Container container : pod.getSpec().getContainers()) {
      JsonObject state = new JsonObject();
      JsonObject waiting = new JsonObject();
      waiting.addProperty("reason", reason);
      waiting.addProperty("message", message);
      state.add("waiting", waiting);
      statuses.add(containerStatus(pod, container, false, false, state));
    }
    status.add("containerStatuses", statuses);
    return patch(status);
  }

  /** Whether the Pod already shows what {@link #waiting} would post. */
  static boolean isWaiting(V1Pod pod, String reason, String message) {
    List<V1ContainerStatus> statuses =
        pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
    return pod.getStatus() != null
        && "Pending".equals(pod.getStatus().getPhase())
        && statuses != null
        && !statuses.isEmpty()
        && statuses.stream()
            .allMatch(
                s ->
                    s.getState() != null
                        && s.getState().getWaiting() != null
                        && reason.equals(s.getState().getWaiting().getReason())
                        && Objects.equals(message, s.getState().getWaiting().getMessage()));
  }

  /** Running on {@code ip}, with the given ContainersReady and Ready conditions. */
  static JsonObject running(
      V1Pod pod, String ip, boolean containersReady, List<V1PodCondition> desired, String now) {
    JsonObject status = new JsonObject();
    status.addProperty("phase", "Running");
    status.addProperty("hostIP", "127.0.0.1");
    status.add("hostIPs", ips("127.0.0.1"));
    status.addProperty("podIP", ip);
    status.add("podIPs", ips(ip));
    startTime(pod, status, now);
    status.add("conditions", conditions(pod, now, desired));
    JsonArray statuses = new JsonArray();
    for (V1Container container : pod.getSpec().getContainers()) {
      JsonObject state = new JsonObject();
      JsonObject running = new JsonObject();
      running.addProperty("startedAt", startedAt(pod, container.getName(), now));
      state.add("running", running);
      statuses.add(containerStatus(pod, container, containersReady, true, state));
    }
    status.add("containerStatuses", statuses);
    return patch(status);
  }

  /**
   * Every container ended: Succeeded (exit code 0, {@code Completed}) or, past {@code
   * activeDeadlineSeconds}, Failed with the kubelet's reason and message (exit code 137). Ready and
   * ContainersReady are False with {@code PodCompleted} / {@code PodFailed}, whatever the gates
   * say.
   */
  static JsonObject ended(V1Pod pod, PodExit.Cause cause, String now) {
    boolean completed = cause == PodExit.Cause.COMPLETED;
    String reason = completed ? POD_COMPLETED : POD_FAILED;
    JsonObject status = new JsonObject();
    status.addProperty("phase", completed ? "Succeeded" : "Failed");
    if (!completed) {
      status.addProperty("reason", PodExit.DEADLINE_REASON);
      status.addProperty("message", PodExit.DEADLINE_MESSAGE);
    }
    status.add(
        "conditions",
        conditions(
            pod,
            now,
            List.of(
                condition("PodScheduled", "True", null, null),
                condition("Initialized", "True", completed ? POD_COMPLETED : null, null),
                condition("ContainersReady", "False", reason, null),
                condition("Ready", "False", reason, null))));
    JsonArray statuses = new JsonArray();
    for (V1Container container : pod.getSpec().getContainers()) {
      JsonObject state = new JsonObject();
      JsonObject terminated = new JsonObject();
      terminated.addProperty("exitCode", completed ? 0 : 137);
      terminated.addProperty("reason", completed ? "Completed" : "Error");
      terminated.addProperty("startedAt", startedAt(pod, container.getName(), now));
      terminated.addProperty("finishedAt", now);
      terminated.addProperty("containerID", containerId(pod, container));
      state.add("terminated", terminated);
      statuses.add(containerStatus(pod, container, false, false, state));
    }
    status.add("containerStatuses", statuses);
    return patch(status);
  }

  static boolean isEnded(V1Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  static V1PodCondition condition(String type, String status, String reason, String message) {
    return new V1PodCondition().type(type).status(status).reason(reason).message(message);
  }

  private static List<V1PodCondition> conditions(V1Pod pod) {
    return pod.getStatus() == null ? List.of() : pod.getStatus().getConditions();
  }

  private static JsonArray conditions(V1Pod pod, String now, List<V1PodCondition> desired) {
    List<V1PodCondition> current = conditions(pod);
    JsonArray conditions = new JsonArray();
    for (V1PodCondition want : desired) {
      V1PodCondition have = PodReadiness.find(current, want.getType());
      JsonObject condition = new JsonObject();
      condition.addProperty("type", want.getType());
      condition.addProperty("status", want.getStatus());
      condition.addProperty("reason", want.getReason());
      condition.addProperty("message", want.getMessage());
      boolean transition = have == null || !want.getStatus().equals(have.getStatus());
      condition.addProperty(
          "lastTransitionTime",
          transition || have.getLastTransitionTime() == null
              ? now
              : have.getLastTransitionTime().format(RFC3339));
      conditions.add(condition);
    }
    return conditions;
  }

  private static void startTime(V1Pod pod, JsonObject status, String now) {
    if (pod.getStatus() == null || pod.getStatus().getStartTime() == null) {
      status.addProperty("startTime", now);
    }
  }

  /**
   * When the container started running, kept from the current status so that it does not move on
   * every update.
   */
  private static String startedAt(V1Pod pod, String container, String now) {
    List<V1ContainerStatus> statuses =
        pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
    if (statuses != null) {
      for (V1ContainerStatus status : statuses) {
        if (container.equals(status.getName())
            && status.getState() != null
            && status.getState().getRunning() != null
            && status.getState().getRunning().getStartedAt() != null) {
          return status.getState().getRunning().getStartedAt().format(RFC3339);
        }
      }
    }
    return now;
  }

  private static JsonObject containerStatus(
      V1Pod pod, V1Container container, boolean ready, boolean started, JsonObject state) {
    JsonObject status = new JsonObject();
    status.addProperty("name", container.getName());
    status.addProperty("image", container.getImage());
    status.addProperty("imageID", "fake://" + container.getImage());
    if (!state.has("waiting")) {
      status.addProperty("containerID", containerId(pod, container));
    }
    status.addProperty("ready", ready);
    status.addProperty("started", started);
    status.addProperty("restartCount", 0);
    status.add("state", state);
    return status;
  }

  private static String containerId(V1Pod pod, V1Container container) {
    return "fake://" + pod.getMetadata().getUid() + "/" + container.getName();
  }

  private static JsonArray ips(String ip) {
    JsonArray array = new JsonArray();
    JsonObject entry = new JsonObject();
    entry.addProperty("ip", ip);
    array.add(entry);
    return array;
  }

  private static JsonObject patch(JsonObject status) {
    JsonObject patch = new JsonObject();
    patch.add("status", status);
    return patch;
  }
}
