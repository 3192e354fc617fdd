package io.clbdirect.emulator.model;

import io.clbdirect.emulator.Networks;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A CLB instance with its loopback VIP, listeners, and the task (if any) that locks it. */
public final class LoadBalancer {

  private final String loadBalancerId;
  private final String name;
  private final String type;
  private final String vip;
  private final Instant createTime;
  private final Map<String, String> tags;
  private final String clientToken;
  private final LoadBalancerAttributes attributes;
  private volatile int status;
  private final Map<String, Listener> listeners = new LinkedHashMap<>();
  private volatile String lockingTaskId;

  /**
   * An instance in the default VPC with the default attributes (for tests that build the model
   * directly).
   */
  public LoadBalancer(
      String loadBalancerId,
      String name,
      String type,
      String vip,
      Instant createTime,
      Map<String, String> tags,
      String clientToken) {
    this(
        loadBalancerId,
        name,
        type,
        vip,
        createTime,
        tags,
        clientToken,
        LoadBalancerAttributes.defaults(type, Networks.DEFAULT_VPC));
  }

  public LoadBalancer(
      String loadBalancerId,
      String name,
      String type,
      String vip,
      Instant createTime,
      Map<String, String> tags,
      String clientToken,
      LoadBalancerAttributes attributes) {
    this.attributes = attributes;
    this.loadBalancerId = loadBalancerId;
    this.name = name;
    this.type = type;
    this.vip = vip;
    this.createTime = createTime;
    this.tags = Map.copyOf(tags);
    this.clientToken = clientToken;
  }

  public String loadBalancerId() {
    return loadBalancerId;
  }

  public String name() {
    return name;
  }

  public String type() {
    return type;
  }

  /** A 127.x.y.z address: the data path listens there. */
  public String vip() {
    return vip;
  }

  public Instant createTime() {
    return createTime;
  }

  public Map<String, String> tags() {
    return tags;
  }

  public String clientToken() {
    return clientToken;
  }

  /** VPC, subnet, SnatPro and the other creation attributes. */
  public LoadBalancerAttributes attributes() {
    return attributes;
  }

  public String vpcId() {
    return attributes.vpcId();
  }

  public boolean snatPro() {
    return attributes.snatPro();
  }

  /** How many targets its listeners and rules hold. Callers hold the state lock. */
  public int targetCount() {
    int count = 0;
    for (Listener listener : listeners.values()) {
      count += listener.targets().size();
      for (Rule rule : listener.rules().values()) {
        count += rule.targets().size();
      }
    }
    return count;
  }

  /** 0 creating, 1 running. */
  public int status() {
    return status;
  }

  public void setStatus(int status) {
    this.status = status;
  }

  /** Mutable view; callers hold the state lock. */
  public Map<String, Listener> listeners() {
    return listeners;
  }

  public String lockingTaskId() {
    return lockingTaskId;
  }

  public void setLockingTaskId(String lockingTaskId) {
    this.lockingTaskId = lockingTaskId;
  }

  public List<Listener> listenerList() {
    return List.copyOf(listeners.values());
  }
}
