package io.clbdirect.emulator;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar clb-emulator.jar --port 18080 --secret-id ID --secret-key KEY [...]}; see
 * --help.
 */
public final class Main {

  private static final String HELP =
      """
      clb-emulator: the Tencent Cloud CLB API (2018-03-17) and SSL certificate API (2019-12-05)
      on 127.0.0.1, for tests and sandboxes.

        --port N               HTTP port on 127.0.0.1 (default 18080; 0 = any free port)
        --secret-id ID         the accepted SecretId (required)
        --secret-key KEY       its SecretKey (required)
        --task-delay-ms N      how long asynchronous writes run before taking effect (default 500)
        --health-time-scale X  multiply health-check intervals and timeouts by X (default 1.0; 0.1 = 10x faster)
        --vip-octet N          public VIPs are 127.N.x.y (default 100; outside every network below)
        --rate-limit N         requests per second per action before RequestLimitExceeded (default 20; 0 = off)
        --target-quota N       targets per L4 listener or L7 rule (default 200)
        --seed N               seed for ids and fault injection (default 0)
        --networks SPEC        the account's VPCs, subnets and GlobalRouter cluster CIDRs, replacing the defaults;
                               comma-separated items default-vpc:ID=CIDR (exactly one), vpc:ID=CIDR,
                               subnet:ID@VPC=CIDR, cluster-cidr:CIDR@VPC, all inside 127.0.0.0/8. Default:
                               default-vpc:vpc-default1=127.192.0.0/11,subnet:subnet-default1@vpc-default1=127.192.0.0/16,
                               vpc:vpc-cluster1=127.0.0.0/10,subnet:subnet-cluster1@vpc-cluster1=127.60.0.0/16,
                               cluster-cidr:127.128.0.0/10@vpc-cluster1
        --clock-offset-ms N    the emulator's clock runs N ms ahead of the system's (negative: behind);
                               beyond 300000 either way every call fails with AuthFailure.SignatureExpire (default 0)
        --help                 this text

      API: POST http://127.0.0.1:PORT/ signed with TC3-HMAC-SHA256 (any Tencent Cloud SDK, endpoint 127.0.0.1:PORT, protocol http://).
      Admin: GET /admin/state; GET|POST|DELETE /admin/faults (see docs/clb-emulator.md).
      """;

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    int port = 18080;
    String secretId = null;
    String secretKey = null;
    EmulatorConfig base = EmulatorConfig.defaults("unset", "unset");
    Duration taskDelay = base.taskDelay();
    double scale = base.healthTimeScale();
    int vipOctet = base.vipOctet();
    double rateLimit = base.rateLimitPerSecond();
    int targetQuota = base.targetQuota();
    long seed = 0;
    Networks networks = base.networks();
    Duration clockOffset = Duration.ZERO;
    EmulatorConfig config;
    try {
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("--help") || arg.equals("-h")) {
          System.out.print(HELP);
          return;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(arg + " needs a value");
        }
        String value = args[++i];
        switch (arg) {
          case "--port" -> port = Integer.parseInt(value);
          case "--secret-id" -> secretId = value;
          case "--secret-key" -> secretKey = value;
          case "--task-delay-ms" -> taskDelay = Duration.ofMillis(Long.parseLong(value));
          case "--health-time-scale" -> scale = Double.parseDouble(value);
          case "--vip-octet" -> vipOctet = Integer.parseInt(value);
          case "--rate-limit" -> rateLimit = Double.parseDouble(value);
          case "--target-quota" -> targetQuota = Integer.parseInt(value);
          case "--seed" -> seed = Long.parseLong(value);
          case "--networks" -> networks = Networks.parse(value);
          case "--clock-offset-ms" -> clockOffset = Duration.ofMillis(Long.parseLong(value));
          default -> throw new IllegalArgumentException("unknown flag " + arg);
        }
      }
      if (secretId == null || secretKey == null) {
        throw new IllegalArgumentException("--secret-id and --secret-key are required");
      }
      config =
          new EmulatorConfig(
              port,
              secretId,
              secretKey,
              taskDelay,
              scale,
              vipOctet,
              rateLimit,
              targetQuota,
              base.listenerQuota(),
              base.ruleQuota(),
              base.loadBalancerQuota(),
              seed,
              false,
              networks,
              clockOffset);
    } catch (IllegalArgumentException e) {
      System.err.println("clb-emulator: " + e.getMessage() + "\n\n" + HELP);
      System.exit(2);
      return;
    }
    ClbEmulator emulator = ClbEmulator.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  emulator.close();
                  stopped.countDown();
                }));
    System.out.println(
        "clb-emulator listening on http://"
            + emulator.endpoint()
            + " (public VIPs 127."
            + vipOctet
            + ".x.y)");
    for (Networks.Vpc vpc : networks.vpcs()) {
      System.out.println(
          "  " + (vpc.isDefault() ? "default VPC " : "VPC ") + vpc.vpcId() + " " + vpc.cidr());
    }
    for (Networks.Subnet subnet : networks.subnets()) {
      System.out.println(
          "  subnet " + subnet.subnetId() + " " + subnet.cidr() + " in " + subnet.vpcId());
    }
    for (Networks.ClusterCidr cluster : networks.clusterCidrs()) {
      System.out.println("  cluster CIDR " + cluster.cidr() + " routed in " + cluster.vpcId());
    }
    stopped.await();
  }
}
