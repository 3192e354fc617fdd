package io.clbdirect.emulator.model;

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
  private volatile int status;
  private final Map<String, Listener> listeners = new LinkedHashMap<>();
  private volatile String lockingTaskId;

  public LoadBalancer(String loadBalancerId, String name, String type, String vip, Instant createTime, Map<String, String> tags,
      String clientToken) {
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
