package io.clbdirect.gate.config;

import io.clbdirect.gate.clb.ClbConnection;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code clb-direct.clb.*}. The key comes best from the environment ({@code
 * CLB_DIRECT_CLB_SECRET_ID}, {@code CLB_DIRECT_CLB_SECRET_KEY}, e.g. from a Secret); it is never
 * logged.
 *
 * @param region e.g. ap-guangzhou
 * @param endpoint {@code clb.tencentcloudapi.com}, or the emulator's {@code 127.0.0.1:port}
 * @param https false only for the loopback emulator
 * @param vpcId the cluster's VPC ({@code vpc-...}): every load balancer clb-direct creates goes
 *     there
 * @param sslEndpoint the SSL Certificates API (2019-12-05), where certificates from {@code
 *     kubernetes.io/tls} Secrets are uploaded: {@code ssl.tencentcloudapi.com} (or {@code
 *     ssl.intl.tencentcloudapi.com} beside an international CLB endpoint) by default, and the same
 *     as {@code endpoint} when that is no tencentcloudapi.com host: the emulator serves both APIs
 *     on one port, told apart by version. Same region, key and protocol as the CLB.
 */
@ConfigurationProperties("clb-direct.clb")
public record ClbProperties(
    String region,
    String endpoint,
    Boolean https,
    String secretId,
    String secretKey,
    Integer requestsPerSecond,
    String vpcId,
    String sslEndpoint) {

  /** The property, as the start-up error names it. */
  public static final String VPC_ID_PROPERTY = "clb-direct.clb.vpc-id";

  public ClbProperties {
    region = region == null ? "ap-guangzhou" : region;
    endpoint = endpoint == null ? "clb.tencentcloudapi.com" : endpoint;
    https = https == null || https;
    requestsPerSecond = requestsPerSecond == null ? 15 : requestsPerSecond;
    vpcId = vpcId == null || vpcId.isBlank() ? null : vpcId.trim();
    sslEndpoint = sslEndpoint == null || sslEndpoint.isBlank() ? sslFor(endpoint) : sslEndpoint;
  }

  /** The SSL API beside a CLB endpoint: Tencent Cloud's own host, or the same emulator. */
  static String sslFor(String clbEndpoint) {
    String host = clbEndpoint.replaceFirst(":\\d+$", "");
    if (host.endsWith(".intl.tencentcloudapi.com")) {
      return "ssl.intl.tencentcloudapi.com";
    }
    if (host.endsWith(".tencentcloudapi.com")) {
      // SSL Certificates is not regional: clb.ap-guangzhou.tencentcloudapi.com has no ssl twin.
      return "ssl.tencentcloudapi.com";
    }
    return clbEndpoint;
  }

  /**
   * The cluster's VPC, required whenever the gate-controller may create load balancers: without a
   * VpcId, CreateLoadBalancer puts the instance in the account's DefaultVPC, where the cluster's
   * Pod IPs are out of reach. There is deliberately no fallback.
   */
  public String requiredVpcId() {
    if (vpcId == null) {
      throw new IllegalStateException(
          VPC_ID_PROPERTY
              + " is required when the gate-controller runs: the id of the cluster's VPC "
              + "(vpc-..., see the TKE console or `tccli tke DescribeClusters`), where clb-direct creates load balancers. Without it the "
              + "CLB API would put them in the account's DefaultVPC, out of reach of the Pods (environment CLB_DIRECT_CLB_VPC_ID)");
    }
    if (!vpcId.matches("vpc-[0-9a-z]+")) {
      throw new IllegalStateException(
          VPC_ID_PROPERTY + " must look like vpc-xxxxxxxx, got '" + vpcId + "'");
    }
    return vpcId;
  }

  public ClbConnection connection() {
    if (secretId == null || secretId.isBlank() || secretKey == null || secretKey.isBlank()) {
      throw new IllegalStateException(
          "clb-direct.clb.secret-id and secret-key are required when the gate-controller runs "
              + "(environment CLB_DIRECT_CLB_SECRET_ID / CLB_DIRECT_CLB_SECRET_KEY)");
    }
    return new ClbConnection(
        region,
        endpoint,
        https,
        secretId,
        secretKey,
        Duration.ofSeconds(5),
        Duration.ofSeconds(30));
  }

  /** The SSL Certificates API's connection: the CLB's, at {@link #sslEndpoint()}. */
  public ClbConnection sslConnection() {
    ClbConnection clb = connection();
    return new ClbConnection(
        clb.region(),
        sslEndpoint,
        clb.https(),
        clb.secretId(),
        clb.secretKey(),
        clb.connectTimeout(),
        clb.readTimeout());
  }

  @Override
  public String toString() {
    return "ClbProperties[region="
        + region
        + ", endpoint="
        + endpoint
        + ", sslEndpoint="
        + sslEndpoint
        + ", https="
        + https
        + ", vpcId="
        + vpcId
        + ", secretId="
        + secretId
        + ", secretKey=***]";
  }
}
