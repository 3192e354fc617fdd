package io.clbdirect.gate.controller;

import io.clbdirect.gate.clb.ClbErrors;
import io.clbdirect.gate.clb.ClbOperationException;
import io.clbdirect.gate.clb.FencedWrite;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.extended.controller.reconciler.Reconciler;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.openapi.ApiException;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link FrontendReconciler} on the controller runtime: its outcome and failures turned into the
 * workqueue's {@link Result}, the Pods' states and Events. A failed CLB call is retried with the
 * queue's backoff; a refusal (the user must act) is looked at again every {@link #REFUSAL_RECHECK}.
 */
final class FrontendController implements Reconciler {

  private static final Logger log = LoggerFactory.getLogger(FrontendController.class);

  /**
   * How often a refused frontend is looked at again without a change of its own (SNAT Pro may be
   * switched on in the console).
   */
  static final Duration REFUSAL_RECHECK = Duration.ofSeconds(30);

  private final FrontendKey.Kind kind;
  private final FrontendReconciler reconciler;
  private final Function<FrontendKey, KubernetesObject> lookup;
  private final BiConsumer<FrontendKey, FrontendState> states;
  private final FrontendSupport support;
  private final Timer timer;

  /**
   * @param states where a frontend's state goes (null: forgotten) when its reconcile establishes
   *     one
   */
  FrontendController(
      FrontendKey.Kind kind,
      FrontendReconciler reconciler,
      Function<FrontendKey, KubernetesObject> lookup,
      BiConsumer<FrontendKey, FrontendState> states,
      FrontendSupport support,
      Timer timer) {
    this.kind = kind;
    this.reconciler = reconciler;
    this.lookup = lookup;
    this.states = states;
    this.support = support;
    this.timer = timer;
  }

  @Override
  public Result reconcile(Request request) {
    FrontendKey key = new FrontendKey(kind, request.getNamespace(), request.getName());
    Timer.Sample sample = Timer.start();
    try {
      FrontendReconciler.Outcome outcome = reconciler.reconcile(key);
      if (outcome.forget()) {
        states.accept(key, null);
      }
      if (outcome.requeueAfter() == null) {
        return new Result(false);
      }
      return new Result(true, outcome.requeueAfter());
    } catch (FrontendFailure e) {
      if (FencedWrite.is(e.clbError())) {
        return fenced(key);
      }
      states.accept(key, e.state());
      if (e.refusal() != null) {
        log.info("{} is not served: {}", key, e.getMessage());
        KubernetesObject frontend = lookup.apply(key);
        if (frontend != null) {
          support.announceOnce(frontend, e.refusal().eventReason(), e.refusal().getMessage());
        }
        return new Result(true, REFUSAL_RECHECK);
      }
      return cloudApiError(key, e.clbError());
    } catch (FencedWrite e) {
      return fenced(key);
    } catch (ClbOperationException e) {
      return cloudApiError(key, e);
    } catch (ApiException e) {
      log.warn("reconcile of {} failed, retrying: {} {}", key, e.getCode(), e.getResponseBody());
      return new Result(true);
    } catch (RuntimeException e) {
      log.warn("reconcile of {} failed, retrying", key, e);
      return new Result(true);
    } catch (Error e) {
      // Logged loudly and retried, so a worker never fails quietly while this replica holds the
      // Lease.
      log.error(
          "reconcile of {} failed with {}, retrying; this replica likely needs a restart",
          key,
          e,
          e);
      return new Result(true);
    } finally {
      sample.stop(timer);
    }
  }

  /**
   * A write refused because this replica may no longer hold the Lease: no Event, no state for the
   * Pods, no retry. The Lease's next holder reconciles every frontend afresh.
   */
  private static Result fenced(FrontendKey key) {
    log.debug("reconcile of {} stopped: a CLB write was fenced", key);
    return new Result(false);
  }

  private Result cloudApiError(FrontendKey key, ClbOperationException e) {
    log.warn("reconcile of {} failed, retrying: {}", key, e.getMessage());
    KubernetesObject failed = lookup.apply(key);
    if (failed != null) {
      support.warn(failed, ClbErrors.eventReason(e), ClbErrors.eventMessage(e));
    }
    return new Result(true);
  }
}
