package io.clbdirect.webhook.admission;

/** {@code request.kind} / {@code request.requestKind}. */
public record GroupVersionKind(String group, String version, String kind) {

  public boolean isCorePod() {
    return (group == null || group.isEmpty()) && "Pod".equals(kind);
  }

  @Override
  public String toString() {
    return (group == null || group.isEmpty() ? "" : group + "/") + version + ", Kind=" + kind;
  }
}
