package io.clbdirect.gate.clb;

import com.tencentcloudapi.clb.v20180317.models.CreateLoadBalancerRequest;
import com.tencentcloudapi.clb.v20180317.models.DeleteLoadBalancerRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeListenersRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeLoadBalancersRequest;
import com.tencentcloudapi.clb.v20180317.models.Filter;
import com.tencentcloudapi.clb.v20180317.models.Listener;
import com.tencentcloudapi.clb.v20180317.models.LoadBalancer;
import com.tencentcloudapi.clb.v20180317.models.TagInfo;
import com.tencentcloudapi.common.AbstractModel;
import io.clbdirect.gate.decide.LoadBalancerSpec;
import io.clbdirect.gate.decide.LoadBalancerSpecs;
import io.clbdirect.gate.decide.NetworkFit;
import io.clbdirect.runtime.CrashPoints;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Load balancers and their listeners, as Services and Ingresses share them: found by id or by the
 * tag naming their owner, created in the cluster's VPC with those tags, and deleted only when the
 * tags say clb-direct made it for that owner. A load balancer that cannot reach the cluster's Pods
 * is refused.
 */
public final class LoadBalancers {

  public static final String TAG_CREATED_BY = "clb-direct.io/created-by";
  public static final String TAG_SERVICE_UID = "clb-direct.io/service-uid";
  public static final String TAG_INGRESS_UID = "clb-direct.io/ingress-uid";
  public static final String TAG_CLUSTER = "clb-direct.io/cluster";

  /** {@link LoadBalancerSpec#fingerprint()} of what the annotations asked for at creation. */
  public static final String TAG_SPEC = "clb-direct.io/spec";

  /**
   * CreateLoadBalancer errors that say the request itself is wrong: retrying the same request
   * cannot help.
   */
  private static final List<String> REFUSALS =
      List.of(
          "InvalidParameter",
          "InvalidParameterValue",
          "MissingParameter",
          "UnknownParameter",
          "UnsupportedOperation",
          "InvalidParameterCombination",
          "UnauthorizedOperation",
          "OperationDenied");

  /**
   * How long a description is used to resolve a frontend's load balancer. Frontends sharing one,
   * and a new leader's first pass over all of them, then cost one DescribeLoadBalancers per 20 load
   * balancers instead of one per frontend; what it is checked for (VPC, SNAT Pro, tags) rarely
   * changes.
   */
  public static final Duration DESCRIBED_FOR = Duration.ofSeconds(20);

  private record Described(LoadBalancer loadBalancer, Instant at) {}

  private final ClbGateway clb;
  private final String clusterName;
  private final String clusterVpcId;
  private final Map<String, Described> described = new ConcurrentHashMap<>();

  /**
   * @param clusterVpcId the cluster's VPC: every load balancer clb-direct creates goes there
   *     (without a VpcId the API puts it in the account's DefaultVPC, where the Pods may be out of
   *     reach)
   */
  public LoadBalancers(ClbGateway clb, String clusterName, String clusterVpcId) {
    if (clusterVpcId == null || clusterVpcId.isBlank()) {
      throw new IllegalArgumentException(
          "the cluster's VPC id is required (clb-direct.clb.vpc-id)");
    }
    this.clb = clb;
    this.clusterName = clusterName;
    this.clusterVpcId = clusterVpcId.trim();
  }

  public String clusterVpcId() {
    return clusterVpcId;
  }

  public ClbGateway gateway() {
    return clb;
  }

  /**
   * The load balancer a frontend uses: the one its user named (which must exist: a mistyped id is
   * an error, not a reason to create another), else the one recorded on it, else the one made for
   * it earlier, else a new one as {@code plan} says. Whichever it is, it must be able to reach the
   * Pods.
   *
   * @param named the id in the frontend's "use this load balancer" annotation, or null
   * @param namedBy that annotation, for the error message
   * @param recorded the id clb-direct recorded on the frontend, or null
   * @param plan what to create when there is none; its problems stop only a creation
   * @param podIpsOutsideVpc Pod IPs come from a GlobalRouter cluster CIDR (SNAT Pro needed)
   * @throws LoadBalancerRefused when the named load balancer does not exist, when the load balancer
   *     cannot reach the Pods, or when it cannot be created as asked
   */
  public LoadBalancer resolve(
      String named,
      String namedBy,
      String recorded,
      String ownerTag,
      String ownerUid,
      String name,
      LoadBalancerSpecs.Decision plan,
      boolean podIpsOutsideVpc)
      throws ClbOperationException, LoadBalancerRefused {
    LoadBalancer lb;
    if (named != null && !named.isBlank()) {
      lb = recentlyDescribed(named.trim());
      if (lb == null) {
        throw new LoadBalancerRefused(
            "LoadBalancerNotFound",
            "load balancer "
                + named.trim()
                + " named by "
                + namedBy
                + " does not exist (clb-direct never creates another in its place: check the id)",
            io.clbdirect.gate.decide.BackendObservation.State.LOAD_BALANCER_NOT_FOUND);
      }
    } else {
      lb = recorded == null ? null : recentlyDescribed(recorded);
      if (lb == null) {
        lb = findOwned(ownerTag, ownerUid);
      }
      if (lb == null) {
        if (plan.spec() == null) {
          throw new LoadBalancerRefused(
              "InvalidLoadBalancerParameters",
              "no load balancer is created: " + String.join("; ", plan.problems()));
        }
        lb = create(name, ownerTag, ownerUid, plan.spec());
      }
    }
    Optional<String> unreachable =
        NetworkFit.problem(
            clusterVpcId, podIpsOutsideVpc, lb.getLoadBalancerId(), lb.getVpcId(), lb.getSnatPro());
    if (unreachable.isPresent()) {
      throw new LoadBalancerRefused(
          "LoadBalancerNetworkMismatch", unreachable.get() + "; nothing is bound");
    }
    return lb;
  }

  /**
   * What the user should hear about creation parameters on a load balancer that already exists:
   * they apply only at creation, so a bad or changed annotation is reported, never silently
   * dropped.
   *
   * @return the warning, or empty when the annotations still describe the load balancer
   */
  public static Optional<String> creationNote(
      LoadBalancer lb, LoadBalancerSpecs.Decision plan, String ownerTag, String ownerUid) {
    if (!plan.problems().isEmpty()) {
      return Optional.of(
          String.join("; ", plan.problems())
              + " (creation parameters apply only when a load balancer is created; "
              + lb.getLoadBalancerId()
              + " keeps serving)");
    }
    if (plan.spec() == null || !createdFor(lb, ownerTag, ownerUid)) {
      return Optional.empty();
    }
    return NetworkFit.drift(
        plan.spec(),
        lb.getLoadBalancerId(),
        lb.getLoadBalancerType(),
        lb.getSubnetId(),
        tagValue(lb, TAG_SPEC));
  }

  /**
   * @return the load balancer as the CLB describes it now, or null when there is none with that id
   */
  public LoadBalancer describe(String lbId) throws ClbOperationException {
    DescribeLoadBalancersRequest request = new DescribeLoadBalancersRequest();
    request.setLoadBalancerIds(new String[] {lbId});
    LoadBalancer[] found =
        clb.call("DescribeLoadBalancers", c -> c.DescribeLoadBalancers(request))
            .getLoadBalancerSet();
    LoadBalancer lb = found == null || found.length == 0 ? null : found[0];
    remember(lbId, lb);
    return lb;
  }

  /** A description at most {@link #DESCRIBED_FOR} old, else {@link #describe}. */
  private LoadBalancer recentlyDescribed(String lbId) throws ClbOperationException {
    Described known = described.get(lbId);
    if (known != null && Instant.now().isBefore(known.at().plus(DESCRIBED_FOR))) {
      return known.loadBalancer();
    }
    return describe(lbId);
  }

  /**
   * Describes these load balancers, 20 per call, for the lookups that follow: a new leader
   * resolving every frontend makes one call per 20 load balancers instead of one per frontend.
   */
  public void prefetch(Collection<String> lbIds) throws ClbOperationException {
    List<String> ids = List.copyOf(new java.util.TreeSet<>(lbIds));
    for (int start = 0; start < ids.size(); start += 20) {
      List<String> batch = ids.subList(start, Math.min(ids.size(), start + 20));
      DescribeLoadBalancersRequest request = new DescribeLoadBalancersRequest();
      request.setLoadBalancerIds(batch.toArray(String[]::new));
      request.setLimit(20L);
      LoadBalancer[] found =
          clb.call("DescribeLoadBalancers", c -> c.DescribeLoadBalancers(request))
              .getLoadBalancerSet();
      Map<String, LoadBalancer> byId = new HashMap<>();
      for (LoadBalancer lb : found == null ? new LoadBalancer[0] : found) {
        byId.put(lb.getLoadBalancerId(), lb);
      }
      batch.forEach(id -> remember(id, byId.get(id)));
    }
  }

  /** A load balancer deleted or changed out of band: the next lookup asks the CLB. */
  public void forget(String lbId) {
    described.remove(lbId);
  }

  private void remember(String lbId, LoadBalancer lb) {
    if (lb == null) {
      described.remove(lbId); // absent: asked again next time rather than believed gone
    } else {
      described.put(lbId, new Described(lb, Instant.now()));
    }
  }

  /**
   * The load balancer clb-direct made for this owner and that still exists, or null. This, not the
   * ClientToken, is what keeps a crash between creating a load balancer and recording its id from
   * making a second one: the next reconcile finds the first by its tag.
   */
  public LoadBalancer findOwned(String ownerTag, String ownerUid) throws ClbOperationException {
    DescribeLoadBalancersRequest request = new DescribeLoadBalancersRequest();
    Filter byOwner = new Filter();
    byOwner.setName("tag:" + ownerTag);
    byOwner.setValues(new String[] {ownerUid});
    request.setFilters(new Filter[] {byOwner});
    LoadBalancer[] found =
        clb.call("DescribeLoadBalancers", c -> c.DescribeLoadBalancers(request))
            .getLoadBalancerSet();
    return found == null || found.length == 0 ? null : found[0];
  }

  /**
   * @param ownerTag {@link #TAG_SERVICE_UID} or {@link #TAG_INGRESS_UID}
   * @param ownerUid the owner's UID
   * @param spec internal or public, SNAT Pro, and the user's extra CreateLoadBalancer fields
   */
  public LoadBalancer create(String name, String ownerTag, String ownerUid, LoadBalancerSpec spec)
      throws ClbOperationException, LoadBalancerRefused {
    // The user's fields first (already checked against this very model), then the ones clb-direct
    // owns.
    CreateLoadBalancerRequest request =
        AbstractModel.fromJsonString(
            spec.extensiveParameters().toString(), CreateLoadBalancerRequest.class);
    request.setLoadBalancerType(spec.loadBalancerType());
    request.setVpcId(clusterVpcId);
    if (spec.internalSubnetId() != null) {
      request.setSubnetId(spec.internalSubnetId());
    }
    if (spec.snatPro()) {
      request.setSnatPro(true);
    }
    if (request.getLoadBalancerName() == null) {
      request.setLoadBalancerName(truncate(name, 60));
    }
    // Unique per create: the SDK call's own retries resend this request and stay idempotent, while
    // a
    // load balancer made for the same owner earlier (and deleted when direct access was switched
    // off)
    // is never handed back.
    request.setClientToken(
        "clb-direct-" + ownerUid + "-" + Long.toString(System.currentTimeMillis(), 36));
    request.setTags(
        new TagInfo[] {
          tag(TAG_CREATED_BY, "clb-direct"),
          tag(ownerTag, ownerUid),
          tag(TAG_CLUSTER, clusterName),
          tag(TAG_SPEC, spec.fingerprint())
        });
    // Awaited by the load balancer's own Status (1 = running), not by task id: a retry with the
    // same
    // ClientToken returns the first call's load balancer, but no task of its own to wait on.
    String[] ids;
    try {
      ids = clb.call("CreateLoadBalancer", c -> c.CreateLoadBalancer(request)).getLoadBalancerIds();
    } catch (ClbOperationException e) {
      if (REFUSALS.stream()
          .anyMatch(code -> e.code().equals(code) || e.code().startsWith(code + "."))) {
        throw new LoadBalancerRefused(
            "LoadBalancerCreationRefused",
            "the CLB API refused to create "
                + spec.loadBalancerType()
                + " load balancer in "
                + clusterVpcId
                + (spec.internalSubnetId() == null ? "" : " subnet " + spec.internalSubnetId())
                + ": "
                + e.code()
                + ": "
                + apiMessage(e));
      }
      throw e;
    }
    // The fault tests crash here: created, not recorded anywhere but in its owner tag.
    CrashPoints.reached(CrashPoints.AFTER_CREATE_LOAD_BALANCER);
    if (ids == null || ids.length == 0) {
      throw new ClbOperationException(
          "CreateLoadBalancer",
          "Pending",
          "the load balancer for "
              + ownerUid
              + " is not assigned an id yet; the same ClientToken is tried again",
          null);
    }
    DescribeLoadBalancersRequest describe = new DescribeLoadBalancersRequest();
    describe.setLoadBalancerIds(new String[] {ids[0]});
    LoadBalancer[] running =
        clb.poll(
            "DescribeLoadBalancers",
            c -> c.DescribeLoadBalancers(describe).getLoadBalancerSet(),
            set -> set != null && set.length == 1 && Long.valueOf(1).equals(set[0].getStatus()));
    remember(running[0].getLoadBalancerId(), running[0]);
    return running[0];
  }

  private static String apiMessage(ClbOperationException e) {
    String prefix = e.action() + " failed: " + e.code() + ": ";
    String message = e.getMessage();
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  /** Deletes the load balancer if clb-direct created it for this owner; says whether it did. */
  public boolean deleteIfCreatedFor(LoadBalancer lb, String ownerTag, String ownerUid)
      throws ClbOperationException {
    if (!createdFor(lb, ownerTag, ownerUid)) {
      return false;
    }
    DeleteLoadBalancerRequest request = new DeleteLoadBalancerRequest();
    request.setLoadBalancerIds(new String[] {lb.getLoadBalancerId()});
    clb.write(
        "DeleteLoadBalancer",
        lb.getLoadBalancerId(),
        c -> c.DeleteLoadBalancer(request).getRequestId());
    forget(lb.getLoadBalancerId());
    return true;
  }

  public Listener[] listeners(String lbId) throws ClbOperationException {
    DescribeListenersRequest request = new DescribeListenersRequest();
    request.setLoadBalancerId(lbId);
    Listener[] listeners =
        clb.call("DescribeListeners", c -> c.DescribeListeners(request)).getListeners();
    return listeners == null ? new Listener[0] : listeners;
  }

  /**
   * @return the listener with this protocol and port, or null
   */
  public static Listener find(Listener[] listeners, String protocol, int port) {
    for (Listener listener : listeners) {
      if (protocol.equals(listener.getProtocol())
          && listener.getPort() != null
          && listener.getPort() == port) {
        return listener;
      }
    }
    return null;
  }

  /** The tags say clb-direct made this load balancer for this owner. */
  public static boolean createdFor(LoadBalancer lb, String ownerTag, String ownerUid) {
    return "clb-direct".equals(tagValue(lb, TAG_CREATED_BY))
        && ownerUid.equals(tagValue(lb, ownerTag));
  }

  private static String tagValue(LoadBalancer lb, String key) {
    for (TagInfo tag : lb.getTags() == null ? new TagInfo[0] : lb.getTags()) {
      if (key.equals(tag.getTagKey())) {
        return tag.getTagValue();
      }
    }
    return null;
  }

  private static TagInfo tag(String key, String value) {
    TagInfo tag = new TagInfo();
    tag.setTagKey(key);
    tag.setTagValue(value);
    return tag;
  }

  public static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max);
  }
}
