package io.clbdirect.bench;

import static io.clbdirect.bench.Report.f;

import io.clbdirect.e2e.controlplane.ControlPlane;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * Issue 9, item 2: Pod creation through the real API server with and without the webhook. Three
 * sides run against the same API server, at the same time of the run, in alternating rounds: Pods
 * in a namespace where clb-direct's MutatingWebhookConfiguration applies (a direct-access Service
 * selects them, so each is mutated); Pods in a namespace carrying the opt-out label {@code
 * clb-direct.io/webhook=disabled}, which the API server does not send to any webhook at all; and
 * (issue 19) Pods sent to a no-op webhook registered exactly like clb-direct's ({@link
 * NoopWebhookRegistration}), the fair floor: what any webhook costs. Latency is the client's {@code
 * POST .../pods} round trip; the differences of the percentiles are what clb-direct adds, over no
 * webhook and over the no-op one. See docs/benchmarks.md.
 */
public final class PodCreationBenchmark {

  private static final Set<String> OPTIONS =
      Set.of(
          "pods",
          "rounds",
          "concurrency",
          "services",
          "direct-access",
          "results-dir",
          "name",
          "app-args");
  static final String OPT_OUT_LABEL = "clb-direct.io/webhook";

  /** The name clb-direct registers its webhook under (clb-direct.bootstrap.webhook-name). */
  static final String CLB_DIRECT_WEBHOOK = "pods.clb-direct.io";

  /**
   * @param pods Pods created per round and side
   * @param rounds measured rounds per side (after one warm-up round each)
   * @param concurrency parallel creating clients
   */
  public record Settings(
      int pods,
      int rounds,
      int concurrency,
      int services,
      int directAccess,
      Path resultsDir,
      String name,
      List<String> appArgs) {

    public static Settings from(Options o) {
      return new Settings(
          o.integer("pods", 300),
          o.integer("rounds", 3),
          o.integer("concurrency", 4),
          o.integer("services", 200),
          o.integer("direct-access", 20),
          Path.of(o.string("results-dir", Report.defaultResultsDir().toString())),
          o.string("name", "pod-creation"),
          Options.words(o.string("app-args", "")));
    }
  }

  /** One side's measurements over all measured rounds. */
  public record Side(
      String name,
      long pods,
      double podsPerSecond,
      double p50Millis,
      double p99Millis,
      double maxMillis,
      boolean mutated) {}

  public record Result(
      Side withWebhook,
      Side withoutWebhook,
      Side noopWebhook,
      Map<String, Object> json,
      Path file) {

    public double overheadP50Millis() {
      return withWebhook.p50Millis() - withoutWebhook.p50Millis();
    }

    /** clb-direct over the no-op webhook registered the same way, at p50. */
    public double overNoopP50Millis() {
      return withWebhook.p50Millis() - noopWebhook.p50Millis();
    }

    public double overNoopP99Millis() {
      return withWebhook.p99Millis() - noopWebhook.p99Millis();
    }
  }

  private PodCreationBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchmarkMain.main(
        "PodCreationBenchmark", args, OPTIONS, Settings::from, PodCreationBenchmark::run);
  }

  public static Result run(ControlPlane plane, Settings s, PrintStream out) throws Exception {
    Machine machine = Machine.describe();
    String suffix = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    WebhookWorkload gated =
        new WebhookWorkload("bench-create-gated-" + suffix, s.services(), s.directAccess());
    gated.create(plane.adminClient());
    // Labels decide which webhook the API server calls: the gated namespace only clb-direct's, the
    // plain one neither, the noop one only the no-op's (opted out of clb-direct's, opted in to the
    // no-op's, which therefore touches nothing else on a shared control plane).
    CoreV1Api core = new CoreV1Api(plane.adminClient());
    String plain = "bench-create-plain-" + suffix;
    core.createNamespace(
            new V1Namespace()
                .metadata(new V1ObjectMeta().name(plain).labels(Map.of(OPT_OUT_LABEL, "disabled"))))
        .execute();
    String noop = "bench-create-noop-" + suffix;
    core.createNamespace(
            new V1Namespace()
                .metadata(
                    new V1ObjectMeta()
                        .name(noop)
                        .labels(
                            Map.of(
                                OPT_OUT_LABEL,
                                "disabled",
                                NoopWebhookRegistration.OPT_IN_LABEL,
                                NoopWebhookRegistration.OPT_IN_VALUE))))
        .execute();
    String loadAverageBefore = Machine.loadAverage();
    List<String> appArgs =
        new ArrayList<>(
            List.of(
                "--clb-direct.network-mode=mixed",
                "--clb-direct.bootstrap.failure-policy=Fail",
                "--clb-direct.webhook.benchmark-noop-endpoint=true"));
    appArgs.addAll(s.appArgs());
    try (MeasuredClbDirect app = MeasuredClbDirect.start(plane, "bench-create-" + suffix, appArgs);
        NoopWebhookRegistration noopWebhook =
            NoopWebhookRegistration.copyOf(
                plane.adminClient(), app.configurationName(), "bench-create-noop-" + suffix)) {
      ApiClient client = plane.adminClient();
      Histogram withWebhook = new Histogram(60_000_000_000L, 3);
      Histogram withoutWebhook = new Histogram(60_000_000_000L, 3);
      Histogram withNoop = new Histogram(60_000_000_000L, 3);
      long[] elapsed = new long[3];
      AtomicInteger serial = new AtomicInteger();
      // Warm-up rounds (JIT, connection pools, the API server's webhook client), not recorded.
      createRound(
          client,
          gated.namespace(),
          s.pods(),
          s.concurrency(),
          serial,
          new Histogram(60_000_000_000L, 3));
      createRound(
          client, plain, s.pods(), s.concurrency(), serial, new Histogram(60_000_000_000L, 3));
      createRound(
          client, noop, s.pods(), s.concurrency(), serial, new Histogram(60_000_000_000L, 3));
      WebhookCalls before = WebhookCalls.read(client, CLB_DIRECT_WEBHOOK);
      WebhookCalls noopBefore = WebhookCalls.read(client, NoopWebhookRegistration.WEBHOOK_NAME);
      WebhookCalls handledBefore = WebhookCalls.handled(app);
      for (int round = 0; round < s.rounds(); round++) {
        // Alternating, so a drift in the machine's load touches all sides alike.
        elapsed[0] +=
            createRound(client, gated.namespace(), s.pods(), s.concurrency(), serial, withWebhook);
        elapsed[1] += createRound(client, plain, s.pods(), s.concurrency(), serial, withoutWebhook);
        elapsed[2] += createRound(client, noop, s.pods(), s.concurrency(), serial, withNoop);
      }
      WebhookCalls calls = WebhookCalls.read(client, CLB_DIRECT_WEBHOOK).since(before);
      WebhookCalls noopCalls =
          WebhookCalls.read(client, NoopWebhookRegistration.WEBHOOK_NAME).since(noopBefore);
      WebhookCalls handled = WebhookCalls.handled(app).since(handledBefore);
      boolean gatedMutated = mutated(client, gated.namespace());
      boolean plainMutated = mutated(client, plain);
      boolean noopMutated = mutated(client, noop);
      long measuredPerSide = (long) s.rounds() * s.pods();
      if (!gatedMutated || plainMutated || noopMutated) {
        throw new IllegalStateException(
            "the comparison is void: Pods with the webhook mutated "
                + gatedMutated
                + ", Pods without it mutated "
                + plainMutated
                + ", Pods with the no-op webhook mutated "
                + noopMutated);
      }
      // Each measured Pod went through its side's webhook: exactly once for the no-op (its opt-in
      // namespace holds only the no-op side's Pods); at least once for clb-direct, whose selector
      // also takes Pods other tests may create on a shared control plane.
      if (calls.count() < measuredPerSide || noopCalls.count() != measuredPerSide) {
        throw new IllegalStateException(
            f(
                "the comparison is void: the API server called clb-direct's webhook %d times and the no-op %d times for %d Pods per side",
                calls.count(), noopCalls.count(), measuredPerSide));
      }
      Side on = side("with webhook", withWebhook, elapsed[0], true);
      Side off = side("without webhook (opted-out namespace)", withoutWebhook, elapsed[1], false);
      Side floor = side("no-op webhook, registered alike", withNoop, elapsed[2], false);
      String loadAverageAfter = Machine.loadAverage();

      machine.lines().forEach(out::println);
      out.println(f("load average: %s -> %s", loadAverageBefore, loadAverageAfter));
      out.println(
          f(
              "Pod creation through the API server: %d rounds x %d Pods per side, %d parallel clients, %d Services (%d direct-access)",
              s.rounds(), s.pods(), s.concurrency(), s.services(), s.directAccess()));
      Report.Table table = new Report.Table("side", "Pods", "Pods/s", "p50 ms", "p99 ms", "max ms");
      for (Side side : List.of(on, floor, off)) {
        table.row(
            side.name(),
            side.pods(),
            f("%.0f", side.podsPerSecond()),
            f("%.2f", side.p50Millis()),
            f("%.2f", side.p99Millis()),
            f("%.1f", side.maxMillis()));
      }
      table.print(out);
      double overhead = on.p50Millis() - off.p50Millis();
      double overNoopP50 = on.p50Millis() - floor.p50Millis();
      double overNoopP99 = on.p99Millis() - floor.p99Millis();
      out.println(
          f(
              "webhook overhead at p50: %.2f ms (target <= 2 ms); throughput ratio %.2f",
              overhead, on.podsPerSecond() / off.podsPerSecond()));
      out.println(
          f(
              "clb-direct over the no-op webhook: p50 %+.2f ms (target <= 0.5 ms), p99 %+.2f ms; the no-op webhook over none: p50 %+.2f ms",
              overNoopP50, overNoopP99, floor.p50Millis() - off.p50Millis()));
      out.println(
          f(
              "the API server's own account of the webhook call (apiserver_admission_webhook_admission_duration_seconds): "
                  + "clb-direct %d calls, mean %.2f ms; no-op %d calls, mean %.2f ms; clb-direct's own (clb_direct_admission_duration): %d, mean %.2f ms",
              calls.count(),
              calls.meanMillis(),
              noopCalls.count(),
              noopCalls.meanMillis(),
              handled.count(),
              handled.meanMillis()));

      Map<String, Object> json = new LinkedHashMap<>();
      json.put("machine", machine.json());
      json.put("loadAverage", Map.of("before", loadAverageBefore, "after", loadAverageAfter));
      json.put(
          "settings",
          Map.of(
              "pods",
              s.pods(),
              "rounds",
              s.rounds(),
              "concurrency",
              s.concurrency(),
              "services",
              s.services(),
              "directAccess",
              s.directAccess()));
      json.put("withWebhook", on);
      json.put("withoutWebhook", off);
      json.put("noopWebhook", floor);
      json.put("overheadP50Millis", overhead);
      json.put("overNoopP50Millis", overNoopP50);
      json.put("overNoopP99Millis", overNoopP99);
      json.put("targetOverNoopP50Millis", 0.5);
      json.put(
          "apiServerWebhookCalls",
          Map.of("count", calls.count(), "meanMillis", calls.meanMillis()));
      json.put(
          "apiServerNoopWebhookCalls",
          Map.of("count", noopCalls.count(), "meanMillis", noopCalls.meanMillis()));
      json.put(
          "clbDirectAdmissions",
          Map.of("count", handled.count(), "meanMillis", handled.meanMillis()));
      json.put("targetOverheadP50Millis", 2.0);
      Path file = Report.writeJson(s.resultsDir(), s.name(), json);
      out.println("results: " + file);
      return new Result(on, off, floor, json, file);
    } finally {
      // Its Pods never run (no kubelet here), but a later benchmark's fake kubelet would bind and
      // run them.
      DirectAccessWorkloads.deleteNamespaces(
          plane.adminClient(), List.of(gated.namespace(), plain, noop));
    }
  }

  /**
   * Creates {@code pods} Pods with {@code concurrency} parallel clients; returns the wall-clock
   * nanoseconds.
   */
  static long createRound(
      ApiClient client,
      String namespace,
      int pods,
      int concurrency,
      AtomicInteger serial,
      Histogram latency)
      throws Exception {
    CoreV1Api core = new CoreV1Api(client);
    AtomicInteger left = new AtomicInteger(pods);
    ExecutorService clients = Executors.newFixedThreadPool(concurrency);
    long start = System.nanoTime();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < concurrency; c++) {
        done.add(
            clients.submit(
                () -> {
                  while (left.getAndDecrement() > 0) {
                    V1Pod pod = pod("checkout-" + serial.incrementAndGet());
                    long sent = System.nanoTime();
                    core.createNamespacedPod(namespace, pod).execute();
                    long took = System.nanoTime() - sent;
                    synchronized (latency) {
                      latency.recordValue(took);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> future : done) {
        future.get();
      }
      return System.nanoTime() - start;
    } finally {
      clients.shutdownNow();
    }
  }

  /**
   * The Pod the webhook benchmark's review carries, in spirit: selected by the direct-access
   * Service "checkout".
   */
  static V1Pod pod(String name) {
    V1Container app =
        new V1Container()
            .name("app")
            .image("example.com/checkout:1.4.2")
            .addPortsItem(new V1ContainerPort().name("http").containerPort(8080))
            .resources(
                new V1ResourceRequirements()
                    .requests(
                        Map.of(
                            "cpu",
                            Quantity.fromString("250m"),
                            "memory",
                            Quantity.fromString("256Mi"))));
    V1Container sidecar =
        new V1Container()
            .name("log-shipper")
            .image("example.com/shipper:2")
            .resources(
                new V1ResourceRequirements()
                    .requests(
                        Map.of(
                            "cpu",
                            Quantity.fromString("50m"),
                            "memory",
                            Quantity.fromString("64Mi"))));
    return new V1Pod()
        .metadata(new V1ObjectMeta().name(name).labels(Map.of("app", "checkout", "tier", "web")))
        // overhead: client-java sends {} for an unset map, which the API server rejects without a
        // RuntimeClass
        .spec(new V1PodSpec().overhead(null).addContainersItem(app).addContainersItem(sidecar));
  }

  /** Did the webhook give the namespace's Pods the readiness gate? (Guards the comparison.) */
  static boolean mutated(ApiClient client, String namespace) throws ApiException {
    List<V1Pod> pods =
        new CoreV1Api(client).listNamespacedPod(namespace).limit(50).execute().getItems();
    return !pods.isEmpty()
        && pods.stream()
            .allMatch(
                p ->
                    p.getSpec().getReadinessGates() != null
                        && p.getSpec().getReadinessGates().stream()
                            .anyMatch(g -> WebhookWorkload.GATE.equals(g.getConditionType())));
  }

  /**
   * The API server's histogram of its calls to clb-direct's webhook (from its /metrics): how much
   * of the overhead is the call itself (serialising the review, the HTTPS round trip, the webhook's
   * work) rather than what the API server does around it (applying the patch, validating the larger
   * Pod).
   */
  record WebhookCalls(long count, double sumSeconds) {

    static WebhookCalls read(ApiClient client, String webhook) throws java.io.IOException {
      okhttp3.Request request =
          new okhttp3.Request.Builder().url(client.getBasePath() + "/metrics").build();
      long count = 0;
      double sum = 0;
      try (okhttp3.Response response = client.getHttpClient().newCall(request).execute()) {
        for (String line : response.body().string().split("\n")) {
          if (!line.startsWith("apiserver_admission_webhook_admission_duration_seconds_")
              || !line.contains("name=\"" + webhook + "\"")) {
            continue;
          }
          double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          if (line.startsWith("apiserver_admission_webhook_admission_duration_seconds_count")) {
            count += (long) value;
          } else if (line.startsWith(
              "apiserver_admission_webhook_admission_duration_seconds_sum")) {
            sum += value;
          }
        }
      }
      return new WebhookCalls(count, sum);
    }

    /**
     * The same from clb-direct's side: its admission timer, from the request read to the answer
     * written.
     */
    static WebhookCalls handled(MeasuredClbDirect app) {
      PrometheusScrape scrape = PrometheusScrape.of(app);
      return new WebhookCalls(
          (long) scrape.sum("clb_direct_admission_duration_seconds_count"),
          scrape.sum("clb_direct_admission_duration_seconds_sum"));
    }

    WebhookCalls since(WebhookCalls earlier) {
      return new WebhookCalls(count - earlier.count, sumSeconds - earlier.sumSeconds);
    }

    double meanMillis() {
      return count == 0 ? 0 : sumSeconds * 1000 / count;
    }
  }

  private static Side side(String name, Histogram latency, long elapsedNanos, boolean mutated) {
    return new Side(
        name,
        latency.getTotalCount(),
        latency.getTotalCount() / (elapsedNanos / 1e9),
        latency.getValueAtPercentile(50) / 1e6,
        latency.getValueAtPercentile(99) / 1e6,
        latency.getMaxValue() / 1e6,
        mutated);
  }
}
