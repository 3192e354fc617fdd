package io.clbdirect.e2e.kubelet;

import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.PatchUtils;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Node side of a kubelet: registers the Node Ready, then keeps it alive for the node-lifecycle
 * controller as the kubelet does (its defaults): a {@code coordination.k8s.io/v1} Lease in {@code
 * kube-node-lease} renewed every 10 s ({@code leaseDurationSeconds: 40}, holder the node name,
 * owned by the Node), and the Node's status posted again when it differs from what the kubelet
 * would report (another writer set Ready Unknown, say) or at least every 5 minutes. Without these,
 * the controller marks the Node NotReady after its grace period (50 s), taints it {@code
 * node.kubernetes.io/unreachable:NoExecute} and evicts its Pods 300 s later.
 */
final class NodeHeartbeat implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NodeHeartbeat.class);
  static final String LEASE_NAMESPACE = "kube-node-lease";

  /**
   * The kubelet's defaults: nodeLeaseDurationSeconds, a renewal at a quarter of it,
   * nodeStatusReportFrequency.
   */
  static final int LEASE_DURATION_SECONDS = 40;

  static final Duration RENEW_INTERVAL = Duration.ofSeconds(10);
  static final Duration STATUS_REPORT_INTERVAL = Duration.ofMinutes(5);
  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

  /** metav1.MicroTime's wire format (RFC 3339 with exactly six fractional digits). */
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX");

  private final ApiClient client;
  private final CoreV1Api core;
  private final CoordinationV1Api coordination;
  private final String nodeName;
  private final ScheduledExecutorService timer;
  private volatile String nodeUid;
  private volatile Instant lastStatusReport = Instant.EPOCH;

  NodeHeartbeat(ApiClient client, String nodeName, ThreadFactory threads) {
    this.client = client;
    this.core = new CoreV1Api(client);
    this.coordination = new CoordinationV1Api(client);
    this.nodeName = nodeName;
    this.timer = Executors.newSingleThreadScheduledExecutor(threads);
  }

  /**
   * Creates the Node (or takes over one left by an earlier run), reports it Ready and takes its
   * Lease.
   */
  void register() {
    V1Node node;
    try {
      node =
          core.createNode(
                  new V1Node()
                      .metadata(
                          new V1ObjectMeta()
                              .name(nodeName)
                              .labels(
                                  Map.of(
                                      "kubernetes.io/hostname",
                                      nodeName,
                                      "clb-direct.io/fake-node",
                                      "true"))))
              .execute();
    } catch (ApiException e) {
      if (e.getCode() != 409) {
        throw new IllegalStateException(
            "fake kubelet: cannot register Node " + nodeName + ": " + e.getResponseBody(), e);
      }
      node = readNode();
    }
    nodeUid = node.getMetadata().getUid();
    try {
      postStatus(readyCondition(node));
      renewLease();
    } catch (ApiException e) {
      throw new IllegalStateException(
          "fake kubelet: cannot report Node " + nodeName + ": " + e.getResponseBody(), e);
    }
  }

  /**
   * Renews the Lease every {@link #RENEW_INTERVAL} and re-posts the status when due, until {@link
   * #close()}.
   */
  void start() {
    long period = RENEW_INTERVAL.toMillis();
    timer.scheduleAtFixedRate(this::beat, period, period, TimeUnit.MILLISECONDS);
  }

  private void beat() {
    try {
      renewLease();
      V1NodeCondition ready = readyCondition(readNode());
      boolean changed = ready == null || !"True".equals(ready.getStatus());
      if (changed || Instant.now().isAfter(lastStatusReport.plus(STATUS_REPORT_INTERVAL))) {
        postStatus(ready);
      }
    } catch (ApiException | RuntimeException e) {
      // The next beat retries, as the kubelet's lease controller does; the Lease has 40 s of slack.
      log.warn(
          "fake kubelet: heartbeat of Node {} failed: {}",
          nodeName,
          e instanceof ApiException a ? a.getCode() + " " + a.getResponseBody() : e.toString());
    }
  }

  private V1Node readNode() {
    try {
      return core.readNode(nodeName).execute();
    } catch (ApiException e) {
      throw new IllegalStateException(
          "fake kubelet: cannot read Node "
              + nodeName
              + ": "
              + e.getCode()
              + " "
              + e.getResponseBody(),
          e);
    }
  }

  private static V1NodeCondition readyCondition(V1Node node) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return null;
    }
    return node.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  /**
   * Posts Ready True with a fresh heartbeat; the transition time moves only when Ready was not
   * True.
   */
  private void postStatus(V1NodeCondition current) throws ApiException {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String heartbeat = SECONDS.format(now.atOffset(ZoneOffset.UTC));
    String transition =
        current != null
                && "True".equals(current.getStatus())
                && current.getLastTransitionTime() != null
            ? SECONDS.format(current.getLastTransitionTime())
            : heartbeat;
    String status =
        """
        {"status":{"conditions":[{"type":"Ready","status":"True","reason":"KubeletReady",
          "message":"fake kubelet is posting ready status","lastHeartbeatTime":"%1$s","lastTransitionTime":"%2$s"}],
          "addresses":[{"type":"InternalIP","address":"127.0.0.1"},{"type":"Hostname","address":"%3$s"}],
          "capacity":{"cpu":"64","memory":"256Gi","pods":"10000","tke.cloud.tencent.com/eni-ip":"10000"},
          "allocatable":{"cpu":"64","memory":"256Gi","pods":"10000","tke.cloud.tencent.com/eni-ip":"10000"}}}
        """
            .formatted(heartbeat, transition, nodeName);
    PatchUtils.patch(
        V1Node.class,
        () -> core.patchNodeStatus(nodeName, new V1Patch(status)).buildCall(null),
        V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
        client);
    lastStatusReport = now;
  }

  /** Server-side apply: creates the Lease or renews it in one call, whoever held it before. */
  private void renewLease() throws ApiException {
    String now =
        MICROS.format(Instant.now().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC));
    String lease =
        """
        {"apiVersion":"coordination.k8s.io/v1","kind":"Lease",
         "metadata":{"name":"%1$s","namespace":"%2$s",
           "ownerReferences":[{"apiVersion":"v1","kind":"Node","name":"%1$s","uid":"%3$s"}]},
         "spec":{"holderIdentity":"%1$s","leaseDurationSeconds":%4$d,"renewTime":"%5$s"}}
        """
            .formatted(nodeName, LEASE_NAMESPACE, nodeUid, LEASE_DURATION_SECONDS, now);
    PatchUtils.patch(
        V1Lease.class,
        () ->
            coordination
                .patchNamespacedLease(nodeName, LEASE_NAMESPACE, new V1Patch(lease))
                .fieldManager("fake-kubelet")
                .force(true)
                .buildCall(null),
        V1Patch.PATCH_FORMAT_APPLY_YAML,
        client);
  }

  /**
   * Stops the heartbeat; the Node stays, and goes NotReady once its Lease expires, as a node whose
   * kubelet died.
   */
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
