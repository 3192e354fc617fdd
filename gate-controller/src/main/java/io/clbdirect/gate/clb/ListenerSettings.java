package io.clbdirect.gate.clb;

import com.tencentcloudapi.clb.v20180317.models.CreateListenerRequest;
import com.tencentcloudapi.clb.v20180317.models.Listener;
import com.tencentcloudapi.clb.v20180317.models.ModifyListenerRequest;
import com.tencentcloudapi.clb.v20180317.models.ModifyRuleRequest;
import com.tencentcloudapi.clb.v20180317.models.RuleInput;
import com.tencentcloudapi.clb.v20180317.models.RuleOutput;
import io.clbdirect.gate.decide.IngressRoutes;
import java.util.Optional;

/**
 * Listener and rule attributes a frontend asks for (its TkeServiceConfig): set when clb-direct
 * creates a listener or rule, and brought back when they drift (the requests are built here, sent
 * by the load-balancer reconcile). Attributes the frontend does not set are never touched.
 */
public interface ListenerSettings {

  /** A frontend without a TkeServiceConfig: listeners and rules keep whatever they have. */
  ListenerSettings NONE =
      new ListenerSettings() {
        @Override
        public void onCreate(String protocol, int port, CreateListenerRequest request) {}

        @Override
        public Optional<ModifyListenerRequest> modification(
            String loadBalancerId, Listener listener) {
          return Optional.empty();
        }

        @Override
        public void onCreate(
            String protocol, int port, String vip, IngressRoutes.RuleKey rule, RuleInput input) {}

        @Override
        public Optional<ModifyRuleRequest> modification(
            String loadBalancerId, String vip, Listener listener, RuleOutput rule) {
          return Optional.empty();
        }
      };

  /** Adds the configured attributes to a new L4 listener. */
  void onCreate(String protocol, int port, CreateListenerRequest request);

  /**
   * The ModifyListener request for an existing L4 listener whose configured attributes differ, or
   * empty.
   */
  Optional<ModifyListenerRequest> modification(String loadBalancerId, Listener listener);

  /**
   * Adds the configured attributes to a new L7 rule of the listener with this protocol and port.
   *
   * @param vip the load balancer's VIP, the domain of rules configured with domain ""
   */
  void onCreate(String protocol, int port, String vip, IngressRoutes.RuleKey rule, RuleInput input);

  /**
   * The ModifyRule request for an existing L7 rule whose configured attributes differ, or empty.
   */
  Optional<ModifyRuleRequest> modification(
      String loadBalancerId, String vip, Listener listener, RuleOutput rule);
}
