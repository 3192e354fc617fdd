package io.clbdirect.gate.controller;

import io.clbdirect.gate.decide.IngressRoutes.RuleKey;
import io.clbdirect.gate.decide.ListenerPlan;
import java.time.Instant;
import java.util.Map;

/**
 * A load balancer's listeners and rules as last read or made.
 *
 * @param inputs what they were made from: when it changes they are looked at again
 * @param listeners L4 and L7 listeners by protocol and port
 * @param locationIds the rules of the HTTP:80 listener
 * @param read when the load balancer was last read for them
 */
record LoadBalancerLayout(
    String inputs,
    Map<ListenerPlan.Key, String> listeners,
    Map<RuleKey, String> locationIds,
    Instant read) {}
