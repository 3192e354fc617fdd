package io.clbdirect.emulator.model;

import java.time.Instant;
import java.util.List;

/**
 * An asynchronous operation. {@code status}: 2 running, 0 succeeded, 1 failed (DescribeTaskStatus).
 *
 * @param id the RequestId of the call that started it (the API uses it as TaskId)
 */
public final class Task {

  private final String id;
  private final List<String> loadBalancerIds;
  private final Instant startedAt;
  private volatile int status = 2;
  private volatile String message = "";

  public Task(String id, List<String> loadBalancerIds, Instant startedAt) {
    this.id = id;
    this.loadBalancerIds = List.copyOf(loadBalancerIds);
    this.startedAt = startedAt;
  }

  public String id() {
    return id;
  }

  public List<String> loadBalancerIds() {
    return loadBalancerIds;
  }

  public Instant startedAt() {
    return startedAt;
  }

  public int status() {
    return status;
  }

  public String message() {
    return message;
  }

  public void finish(boolean success, String message) {
    this.message = message;
    this.status = success ? 0 : 1;
  }
}
