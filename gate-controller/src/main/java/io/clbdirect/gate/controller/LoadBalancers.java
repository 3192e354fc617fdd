package io.clbdirect.gate.controller;

import com.tencentcloudapi.clb.v20180317.models.CreateLoadBalancerRequest;
import com.tencentcloudapi.clb.v20180317.models.DeleteLoadBalancerRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeListenersRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeLoadBalancersRequest;
import com.tencentcloudapi.clb.v20180317.models.Filter;
import com.tencentcloudapi.clb.v20180317.models.Listener;
import com.tencentcloudapi.clb.v20180317.models.LoadBalancer;
import com.tencentcloudapi.clb.v20180317.models.TagInfo;
import io.clbdirect.gate.clb.ClbGateway;
import io.clbdirect.gate.clb.ClbOperationException;

/**
 * Load balancers and their listeners, as Services and Ingresses share them: found by id or by the tag
 * naming their owner, created with those tags, and deleted only when the tags say clb-direct made it
 * for that owner.
 */
public final class LoadBalancers {

  public static final String TAG_CREATED_BY = "clb-direct.io/created-by";
  public static final String TAG_SERVICE_UID = "clb-direct.io/service-uid";
  public static final String TAG_INGRESS_UID = "clb-direct.io/ingress-uid";
  public static final String TAG_CLUSTER = "clb-direct.io/cluster";

  private final ClbGateway clb;
  private final String clusterName;

  public LoadBalancers(ClbGateway clb, String clusterName) {
    this.clb = clb;
    this.clusterName = clusterName;
  }

  ClbGateway gateway() {
    return clb;
  }

  /**
   * The load balancer a frontend uses: the one its user named (which must exist: a mistyped id is an
   * error, not a reason to create another), else the one recorded on it, else the one made for it
   * earlier, else a new one.
   *
   * @param named the id in the frontend's "use this load balancer" annotation, or null
   * @param namedBy that annotation, for the error message
   * @param recorded the id clb-direct recorded on the frontend, or null
   */
  public LoadBalancer resolve(String named, String namedBy, String recorded, String ownerTag, String ownerUid, String name)
      throws ClbOperationException {
    if (named != null && !named.isBlank()) {
      LoadBalancer lb = describe(named.trim());
      if (lb == null) {
        throw new ClbOperationException("DescribeLoadBalancers", "LoadBalancerNotFound",
            "load balancer " + named.trim() + " named by " + namedBy + " does not exist", null);
      }
      return lb;
    }
    LoadBalancer lb = recorded == null ? null : describe(recorded);
    if (lb == null) {
      lb = findOwned(ownerTag, ownerUid);
    }
    return lb != null ? lb : create(name, ownerTag, ownerUid);
  }

  /** @return the load balancer, or null when there is none with that id */
  public LoadBalancer describe(String lbId) throws ClbOperationException {
    DescribeLoadBalancersRequest request = new DescribeLoadBalancersRequest();
    request.setLoadBalancerIds(new String[] {lbId});
    LoadBalancer[] found = clb.call("DescribeLoadBalancers", c -> c.DescribeLoadBalancers(request)).getLoadBalancerSet();
    return found == null || found.length == 0 ? null : found[0];
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
    LoadBalancer[] found = clb.call("DescribeLoadBalancers", c -> c.DescribeLoadBalancers(request)).getLoadBalancerSet();
    return found == null || found.length == 0 ? null : found[0];
  }

  /**
   * @param ownerTag {@link #TAG_SERVICE_UID} or {@link #TAG_INGRESS_UID}
   * @param ownerUid the owner's UID
   */
  public LoadBalancer create(String name, String ownerTag, String ownerUid) throws ClbOperationException {
    CreateLoadBalancerRequest request = new CreateLoadBalancerRequest();
    request.setLoadBalancerType("OPEN");
    request.setLoadBalancerName(truncate(name, 60));
    // Unique per create: the SDK call's own retries resend this request and stay idempotent, while a
    // load balancer made for the same owner earlier (and deleted when direct access was switched off)
    // is never handed back.
    request.setClientToken("clb-direct-" + ownerUid + "-" + Long.toString(System.currentTimeMillis(), 36));
    request.setTags(new TagInfo[] {tag(TAG_CREATED_BY, "clb-direct"), tag(ownerTag, ownerUid), tag(TAG_CLUSTER, clusterName)});
    // Awaited by the load balancer's own Status (1 = running), not by task id: a retry with the same
    // ClientToken returns the first call's load balancer, but no task of its own to wait on.
    String[] ids = clb.call("CreateLoadBalancer", c -> c.CreateLoadBalancer(request)).getLoadBalancerIds();
    if (ids == null || ids.length == 0) {
      throw new ClbOperationException("CreateLoadBalancer", "Pending", "the load balancer for " + ownerUid
          + " is not assigned an id yet; the same ClientToken is tried again", null);
    }
    DescribeLoadBalancersRequest describe = new DescribeLoadBalancersRequest();
    describe.setLoadBalancerIds(new String[] {ids[0]});
    LoadBalancer[] running = clb.poll("DescribeLoadBalancers", c -> c.DescribeLoadBalancers(describe).getLoadBalancerSet(),
        set -> set != null && set.length == 1 && Long.valueOf(1).equals(set[0].getStatus()));
    return running[0];
  }

  /** Deletes the load balancer if clb-direct created it for this owner; says whether it did. */
  public boolean deleteIfCreatedFor(LoadBalancer lb, String ownerTag, String ownerUid) throws ClbOperationException {
    boolean ours = false;
    boolean thisOwner = false;
    for (TagInfo tag : lb.getTags() == null ? new TagInfo[0] : lb.getTags()) {
      ours |= TAG_CREATED_BY.equals(tag.getTagKey()) && "clb-direct".equals(tag.getTagValue());
      thisOwner |= ownerTag.equals(tag.getTagKey()) && ownerUid.equals(tag.getTagValue());
    }
    if (!ours || !thisOwner) {
      return false;
    }
    DeleteLoadBalancerRequest request = new DeleteLoadBalancerRequest();
    request.setLoadBalancerIds(new String[] {lb.getLoadBalancerId()});
    clb.write("DeleteLoadBalancer", lb.getLoadBalancerId(), c -> c.DeleteLoadBalancer(request).getRequestId());
    return true;
  }

  public Listener[] listeners(String lbId) throws ClbOperationException {
    DescribeListenersRequest request = new DescribeListenersRequest();
    request.setLoadBalancerId(lbId);
    Listener[] listeners = clb.call("DescribeListeners", c -> c.DescribeListeners(request)).getListeners();
    return listeners == null ? new Listener[0] : listeners;
  }

  /** @return the listener with this protocol and port, or null */
  public static Listener find(Listener[] listeners, String protocol, int port) {
    for (Listener listener : listeners) {
      if (protocol.equals(listener.getProtocol()) && listener.getPort() != null && listener.getPort() == port) {
        return listener;
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

  static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max);
  }
}
