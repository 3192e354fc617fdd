package io.clbdirect.emulator;

import java.time.Duration;
import java.util.Objects;

/**
 * How an emulator instance behaves. Defaults mirror the real API's documented limits.
 *
 * @param port HTTP port on 127.0.0.1; 0 picks a free one
 * @param secretId the one accepted SecretId
 * @param secretKey its SecretKey
 * @param taskDelay how long an asynchronous write runs before it takes effect
 * @param healthTimeScale multiplies health-check intervals and timeouts (0.1 = ten times faster)
 * @param vipOctet second octet of the VIPs handed out (127.&lt;octet&gt;.x.y)
 * @param rateLimitPerSecond requests per second per action before RequestLimitExceeded; 0 = off
 * @param targetQuota backends per L4 listener or L7 rule (TOTAL_TARGET_BIND_QUOTA)
 * @param listenerQuota listeners per load balancer
 * @param ruleQuota rules per listener
 * @param loadBalancerQuota load balancers per type (OPEN, INTERNAL)
 * @param seed seeds fault injection and ids, so a run can be reproduced
 * @param forceHealthy every probe passes without connecting: targets still go Unknown → Alive by
 *     the check's HealthNum and IntervalTime, but need no listener (scale benchmarks with thousands
 *     of Pods)
 * @param networks the account's VPCs, subnets and GlobalRouter cluster CIDRs (see {@link
 *     Networks}); the public VIP range 127.&lt;vipOctet&gt;.0.0/16 must lie outside all of them
 * @param clockOffset added to the system clock for the emulator's idea of now (a positive offset
 *     puts it ahead): with more than 5 minutes either way every signed call fails with {@code
 *     AuthFailure.SignatureExpire}, as calls from a host whose clock is off do on Tencent Cloud
 */
public record EmulatorConfig(
    int port,
    String secretId,
    String secretKey,
    Duration taskDelay,
    double healthTimeScale,
    int vipOctet,
    double rateLimitPerSecond,
    int targetQuota,
    int listenerQuota,
    int ruleQuota,
    int loadBalancerQuota,
    long seed,
    boolean forceHealthy,
    Networks networks,
    Duration clockOffset) {

  public EmulatorConfig {
    Objects.requireNonNull(secretId, "secretId");
    Objects.requireNonNull(secretKey, "secretKey");
    Objects.requireNonNull(taskDelay, "taskDelay");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (vipOctet < 1 || vipOctet > 254) {
      throw new IllegalArgumentException("vip octet must be 1..254, got " + vipOctet);
    }
    if (healthTimeScale <= 0 || healthTimeScale > 10) {
      throw new IllegalArgumentException(
          "health time scale must be in (0, 10], got " + healthTimeScale);
    }
    Objects.requireNonNull(networks, "networks");
    Objects.requireNonNull(clockOffset, "clockOffset");
    Cidr publicVips = Cidr.parse("127." + vipOctet + ".0.0/16");
    for (Networks.Vpc vpc : networks.vpcs()) {
      if (Cidr.parse(vpc.cidr()).overlaps(publicVips)) {
        throw new IllegalArgumentException(
            "public VIPs "
                + publicVips
                + " (vip octet "
                + vipOctet
                + ") would lie in VPC "
                + vpc.vpcId()
                + " ("
                + vpc.cidr()
                + "): public VIPs belong to no VPC; choose another vip octet or other networks");
      }
    }
    for (Networks.ClusterCidr cluster : networks.clusterCidrs()) {
      if (Cidr.parse(cluster.cidr()).overlaps(publicVips)) {
        throw new IllegalArgumentException(
            "public VIPs "
                + publicVips
                + " (vip octet "
                + vipOctet
                + ") would lie in cluster CIDR "
                + cluster.cidr()
                + ": choose another vip octet or other networks");
      }
    }
  }

  public static EmulatorConfig defaults(String secretId, String secretKey) {
    return new EmulatorConfig(
        0,
        secretId,
        secretKey,
        Duration.ofMillis(500),
        1.0,
        100,
        20,
        200,
        50,
        50,
        100,
        0,
        false,
        Networks.defaults(),
        Duration.ZERO);
  }

  public EmulatorConfig withPort(int port) {
    return new EmulatorConfig(
        port,
        secretId,
        secretKey,
        taskDelay,
        healthTimeScale,
        vipOctet,
        rateLimitPerSecond,
        targetQuota,
        listenerQuota,
        ruleQuota,
        loadBalancerQuota,
        seed,
        forceHealthy,
        networks,
        clockOffset);
  }

  public EmulatorConfig withTaskDelay(Duration taskDelay) {
    return new EmulatorConfig(
        port,
        secretId,
        secretKey,
        taskDelay,
        healthTimeScale,
        vipOctet,
        rateLimitPerSecond,
        targetQuota,
        listenerQuota,
        ruleQuota,
        loadBalancerQuota,
        seed,
        forceHealthy,
        networks,
        clockOffset);
  }

  public EmulatorConfig withHealthTimeScale(double healthTimeScale) {
    return new EmulatorConfig(
        port,
        secretId,
        secretKey,
        taskDelay,
        healthTimeScale,
        vipOctet,
        rateLimitPerSecond,
        targetQuota,
        listenerQuota,
        ruleQuota,
        loadBalancerQuota,
        seed,
        forceHealthy,
        networks,
        clockOffset);
  }

  public EmulatorConfig withVipOctet(int vipOctet) {
    return new EmulatorConfig(
        port,
        secretId,
        secretKey,
        taskDelay,
        healthTimeScale,
        vipOctet,
        rateLimitPerSecond,
        targetQuota,
        listenerQuota,
        ruleQuota,
        loadBalancerQuota,
        seed,
        forceHealthy,
        networks,
        clockOffset);
  }

  public EmulatorConfig withRateLimit(double rateLimitPerSecond) {
    return new EmulatorConfig(
        port,
        secretId,
        secretKey,
        taskDelay,
        healthTimeScale,
        vipOctet,
        rateLimitPerSecond,
        targetQuota,
        listenerQuota,
        ruleQuota,
        loadBalancerQuota,
        seed,
        forceHealthy,
        networks,
        clockOffset);
  }

  public EmulatorConfig withTargetQuota(int targetQuota) {
    return new EmulatorConfig(
        port,
        secretId,
        secretKey,
        taskDelay,
        healthTimeScale,
        vipOctet,
        rateLimitPerSecond,
        targetQuota,
        listenerQuota,
        ruleQuota,
        loadBalancerQuota,
        seed,
        forceHealthy,
        networks,
        clockOffset);
  }

  public EmulatorConfig withSeed(long seed) {
    return new EmulatorConfig(
        port,
        secretId,
        secretKey,
        taskDelay,
        healthTimeScale,
        vipOctet,
        rateLimitPerSecond,
        targetQuota,
        listenerQuota,
        ruleQuota,
        loadBalancerQuota,
        seed,
        forceHealthy,
        networks,
        clockOffset);
  }

  public EmulatorConfig withLoadBalancerQuota(int loadBalancerQuota) {
    return new EmulatorConfig(
        port,
        secretId,
        secretKey,
        taskDelay,
        healthTimeScale,
        vipOctet,
        rateLimitPerSecond,
        targetQuota,
        listenerQuota,
        ruleQuota,
        loadBalancerQuota,
        seed,
        forceHealthy,
        networks,
        clockOffset);
  }

  /** See {@link #forceHealthy()}. */
  public EmulatorConfig withForcedHealth(boolean forceHealthy) {
    return new EmulatorConfig(
        port,
        secretId,
        secretKey,
        taskDelay,
        healthTimeScale,
        vipOctet,
        rateLimitPerSecond,
        targetQuota,
        listenerQuota,
        ruleQuota,
        loadBalancerQuota,
        seed,
        forceHealthy,
        networks,
        clockOffset);
  }

  public EmulatorConfig withCredentials(String secretId, String secretKey) {
    return new EmulatorConfig(
        port,
        secretId,
        secretKey,
        taskDelay,
        healthTimeScale,
        vipOctet,
        rateLimitPerSecond,
        targetQuota,
        listenerQuota,
        ruleQuota,
        loadBalancerQuota,
        seed,
        forceHealthy,
        networks,
        clockOffset);
  }

  /** See {@link Networks}; the defaults are {@link Networks#defaults()}. */
  public EmulatorConfig withNetworks(Networks networks) {
    return new EmulatorConfig(
        port,
        secretId,
        secretKey,
        taskDelay,
        healthTimeScale,
        vipOctet,
        rateLimitPerSecond,
        targetQuota,
        listenerQuota,
        ruleQuota,
        loadBalancerQuota,
        seed,
        forceHealthy,
        networks,
        clockOffset);
  }

  /** See {@link #clockOffset()}. */
  public EmulatorConfig withClockOffset(Duration clockOffset) {
    return new EmulatorConfig(
        port,
        secretId,
        secretKey,
        taskDelay,
        healthTimeScale,
        vipOctet,
        rateLimitPerSecond,
        targetQuota,
        listenerQuota,
        ruleQuota,
        loadBalancerQuota,
        seed,
        forceHealthy,
        networks,
        clockOffset);
  }
}
