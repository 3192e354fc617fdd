package io.clbdirect.gate.clb;

import io.clbdirect.runtime.LeaseFence;
import io.clbdirect.runtime.LeaseValidity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate-controller's {@link WriteFence}: a write goes out only while {@link LeaseFence#check}
 * says this replica still holds the Lease. A refusal is counted in {@code
 * clb_direct_fenced_writes_total{api,action}} and logged once per term (a replica cut off from the
 * API server refuses every write its reconciles still try, and the log should say so once, not once
 * per write).
 */
public final class LeaseWriteFence implements WriteFence {

  private static final Logger log = LoggerFactory.getLogger(LeaseWriteFence.class);

  private final LeaseFence fence;
  private final String leaseName;
  private final MeterRegistry meters;

  /** The last term whose first refusal was logged; -1 before any. */
  private final AtomicLong loggedTerm = new AtomicLong(-1);

  public LeaseWriteFence(LeaseFence fence, String leaseName, MeterRegistry meters) {
    this.fence = fence;
    this.leaseName = leaseName;
    this.meters = meters;
  }

  @Override
  public void check(String api, String action) throws FencedWrite {
    LeaseValidity validity = fence.check();
    if (validity.mayWrite()) {
      return;
    }
    Counter.builder("clb_direct_fenced_writes_total")
        .description(
            "Cloud API writes not sent because this replica may no longer hold the"
                + " gate-controller's Lease")
        .tag("api", api)
        .tag("action", action)
        .register(meters)
        .increment();
    long term = fence.term();
    String why = reason(validity);
    if (loggedTerm.getAndSet(term) != term) {
      log.warn(
          "{} {} not sent: {} (Lease {}, term {}); the Lease's next holder does the work. Further"
              + " refused writes of this term are only counted in clb_direct_fenced_writes_total",
          api,
          action,
          why,
          leaseName,
          term);
    }
    throw new FencedWrite(action, why);
  }

  private String reason(LeaseValidity validity) {
    return switch (validity) {
      case NOT_LEADING -> "this replica does not lead";
      case NEVER_RENEWED -> "this replica's hold on the Lease is not confirmed yet";
      case RENEW_DEADLINE_PASSED ->
          "this replica has not renewed the Lease for its renew deadline ("
              + fence.renewDeadline().toSeconds()
              + " s), so another may hold it soon";
      case VALID -> "valid";
    };
  }
}
