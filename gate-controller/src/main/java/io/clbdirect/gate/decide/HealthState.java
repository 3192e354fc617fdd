package io.clbdirect.gate.decide;

/** A target's health as DescribeTargetHealth reports it. */
public enum HealthState {
  ALIVE,
  DEAD,
  UNKNOWN,
  CLOSE;

  /** From {@code HealthStatusDetail}; the Boolean decides when the detail is missing. */
  public static HealthState of(String detail, Boolean healthy) {
    if (detail != null) {
      switch (detail) {
        case "Alive":
          return Boolean.FALSE.equals(healthy) ? DEAD : ALIVE;
        case "Dead":
          return DEAD;
        case "Close":
          return CLOSE;
        default:
          return UNKNOWN;
      }
    }
    return Boolean.TRUE.equals(healthy) ? ALIVE : UNKNOWN;
  }

  BackendObservation.State observed() {
    return switch (this) {
      case ALIVE -> BackendObservation.State.HEALTH_ALIVE;
      case DEAD -> BackendObservation.State.HEALTH_DEAD;
      case UNKNOWN -> BackendObservation.State.HEALTH_UNKNOWN;
      case CLOSE -> BackendObservation.State.HEALTH_CHECK_OFF;
    };
  }

  /**
   * What the CLB says of one binding.
   *
   * @param errorCode the CLB error that stopped the frontend's reconcile or this health read, or
   *     null
   */
  public static BackendObservation observe(
      Binding binding,
      java.util.Map<BackendGroup, java.util.Map<TargetAddress, HealthState>> health,
      String errorCode) {
    if (errorCode != null) {
      // Also while the listener is missing: the code names why it could not be found or made.
      return new BackendObservation(
          binding.frontend(),
          binding.loadBalancerId(),
          binding.listenerId(),
          BackendObservation.State.API_ERROR,
          errorCode);
    }
    if (binding.group() == null) {
      return new BackendObservation(
          binding.frontend(),
          binding.loadBalancerId(),
          binding.listenerId(),
          BackendObservation.State.LISTENER_MISSING,
          null);
    }
    java.util.Map<TargetAddress, HealthState> group = health.get(binding.group());
    HealthState state = group == null ? null : group.get(binding.target());
    if (state == null) {
      return new BackendObservation(
          binding.frontend(),
          binding.loadBalancerId(),
          binding.listenerId(),
          BackendObservation.State.NOT_BOUND,
          null);
    }
    return new BackendObservation(
        binding.frontend(), binding.loadBalancerId(), binding.listenerId(), state.observed(), null);
  }
}
