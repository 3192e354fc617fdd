package io.clbdirect.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main command, so it cannot silently break: {@code hack/sandbox.sh up} comes up with
 * the example's Pods Ready and the VIP answering, {@code status} says so, a second {@code up} does
 * not start twice, and {@code down} leaves no process it started.
 */
class SandboxScriptTest {

  static final Path REPO = Path.of(System.getProperty("clbdirect.repo", ".")).toAbsolutePath();

  record Run(int exit, String output) {}

  static Run script(Path state, Duration timeout, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("bash", REPO.resolve("hack/sandbox.sh").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true);
    builder.environment().put("SANDBOX_DIR", state.toString());
    Process process = builder.start();
    // Read while it runs: a full pipe would stall the script.
    StringBuilder output = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try {
                output.append(
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                output.append("(output lost: ").append(e).append(')');
              }
            });
    reader.start();
    if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      reader.join(5000);
      throw new AssertionError(
          "hack/sandbox.sh "
              + String.join(" ", args)
              + " did not finish in "
              + timeout
              + ":\n"
              + output);
    }
    reader.join(5000);
    return new Run(process.exitValue(), output.toString());
  }

  static Map<String, String> env(Path state) throws IOException {
    Map<String, String> env = new HashMap<>();
    for (String line : Files.readAllLines(state.resolve("env"))) {
      if (line.startsWith("export ")) {
        String assignment = line.substring("export ".length());
        int eq = assignment.indexOf('=');
        env.put(assignment.substring(0, eq), assignment.substring(eq + 2, assignment.length() - 1));
      }
    }
    return env;
  }

  static List<Long> recordedPids(Path state) throws IOException {
    List<Long> pids = new ArrayList<>();
    try (var files = Files.list(state.resolve("pids"))) {
      for (Path file : files.toList()) {
        for (String line : Files.readAllLines(file)) {
          if (!line.isBlank()) {
            pids.add(Long.parseLong(line.trim()));
          }
        }
      }
    }
    pids.add(Long.parseLong(Files.readString(state.resolve("runner.pid")).trim()));
    return pids;
  }

  @Test
  void upServesTheExampleAndDownLeavesNothingRunning(@TempDir Path temp) throws Exception {
    Path state = temp.resolve("sandbox");
    List<Long> pids = List.of();
    try {
      long started = System.nanoTime();
      Run up = script(state, Duration.ofMinutes(15), "up");
      System.out.printf(
          "SANDBOX up -> ready in %d ms%n",
          Duration.ofNanos(System.nanoTime() - started).toMillis());
      assertThat(up.exit()).as(up.output()).isZero();
      assertThat(up.output())
          .contains(
              "clb-direct sandbox is ready",
              "kubeconfig:",
              "curl http://",
              "Three things to try",
              "rollout restart",
              "fake-kubelet.clb-direct.io/serving=closed",
              "delete mutatingwebhookconfiguration");
      pids = recordedPids(state);

      Map<String, String> env = env(state);
      assertThat(env.get("KUBECONFIG")).isEqualTo(state.resolve("kubeconfig").toString());
      KubeConfig config =
          KubeConfig.loadKubeConfig(
              new StringReader(Files.readString(Path.of(env.get("KUBECONFIG")))));
      ApiClient client = ClientBuilder.kubeconfig(config).build();
      List<V1Pod> pods = new CoreV1Api(client).listNamespacedPod("demo").execute().getItems();
      assertThat(pods)
          .hasSize(3)
          .allSatisfy(
              pod -> assertThat(Pods.isReady(pod)).as(pod.getMetadata().getName()).isTrue());

      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://"
                              + env.get("SANDBOX_VIP")
                              + ":"
                              + env.get("SANDBOX_VIP_PORT")
                              + "/"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body().trim()).startsWith("web-");

      // The HTTPS example's two commands, pasted as printed: the certificate checks out for the
      // host, and plain HTTP is redirected.
      Run https = paste(state, hint(up.output(), "  HTTPS:", "Set up your shell"));
      assertThat(https.exit()).as(https.output()).isZero();
      assertThat(https.output())
          .startsWith("web-")
          .contains("HTTP/1.1 301", "Location: https://web.demo.example/some/path");

      // Every command of the three things to try, pasted in order into one shell set up as printed;
      // the
      // client loop meant for a second terminal runs for a few seconds.
      Run tried = paste(state, hint(up.output(), "Three things to try", "More:"));
      assertThat(tried.exit()).as(tried.output()).isZero();
      assertThat(tried.output())
          .contains(
              "successfully rolled out",
              "annotated",
              "clb_direct_gate",
              "mutatingwebhookconfiguration.admissionregistration.k8s.io \"clb-direct\" deleted");
      assertThat(tried.output().lines().filter(l -> l.startsWith("web-")).count())
          .as("the client loop got answers")
          .isPositive();

      // docs/troubleshooting.md's sandbox commands, pasted as the doc shows them (from the
      // repository root).
      Run documented =
          paste(
              state,
              sandboxBlock(Files.readString(REPO.resolve("docs/troubleshooting.md"))).stream()
                  .map(line -> line.replace(".sandbox/", state + "/"))
                  .toList());
      assertThat(documented.exit()).as(documented.output()).isZero();
      assertThat(documented.output())
          .contains("sandbox", "\"status\":\"UP\"", "clb_direct_gate", "loadBalancers");

      Run status = script(state, Duration.ofSeconds(30), "status");
      assertThat(status.exit()).as(status.output()).isZero();
      assertThat(status.output())
          .contains("running", "kube-apiserver", "clb-direct", env.get("SANDBOX_VIP"));
      Run again = script(state, Duration.ofSeconds(30), "up");
      assertThat(again.exit()).as(again.output()).isZero();
      assertThat(again.output()).contains("already running");
      assertThat(recordedPids(state))
          .as("a second up starts nothing")
          .containsExactlyInAnyOrderElementsOf(pids);
    } finally {
      Run down = script(state, Duration.ofMinutes(2), "down");
      assertThat(down.exit()).as(down.output()).isZero();
    }
    assertThat(pids)
        .isNotEmpty()
        .allSatisfy(
            pid ->
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("process " + pid + " after down")
                    .isFalse());
    assertThat(state).doesNotExist();
    Run status = script(state, Duration.ofSeconds(30), "status");
    assertThat(status.output()).contains("not running");
  }

  /**
   * {@code up --network-mode mixed}: the demo Pods asked for ENI IPs (the switch is off), and the
   * hints printed for internal load balancers and SNAT Pro work when pasted, as a user would.
   */
  @Test
  void mixedModeGivesEniIpsAndThePrintedNetworkHintsWorkWhenPasted(@TempDir Path temp)
      throws Exception {
    Path state = temp.resolve("sandbox");
    try {
      Run up = script(state, Duration.ofMinutes(15), "up", "--network-mode", "mixed");
      assertThat(up.exit()).as(up.output()).isZero();
      assertThat(up.output())
          .contains(
              "Mixed GlobalRouter + VPC-CNI",
              "qcloud-loadbalancer-internal-subnetid=subnet-cluster1");
      Map<String, String> env = env(state);
      assertThat(env)
          .containsEntry("SANDBOX_NETWORK_MODE", "mixed")
          .containsEntry("SANDBOX_SUBNET", "subnet-cluster1");
      ApiClient client =
          ClientBuilder.kubeconfig(
                  KubeConfig.loadKubeConfig(
                      new StringReader(Files.readString(state.resolve("kubeconfig")))))
              .build();
      CoreV1Api core = new CoreV1Api(client);
      assertThat(core.listNamespacedPod("demo").execute().getItems())
          .hasSize(3)
          .allSatisfy(
              pod -> {
                assertThat(pod.getMetadata().getAnnotations())
                    .containsEntry("tke.cloud.tencent.com/networks", "tke-route-eni");
                assertThat(pod.getStatus().getPodIP())
                    .as("an ENI IP in the cluster VPC")
                    .startsWith("127.10.");
              });

      // The internal load balancer hint, pasted.
      Run internal = paste(state, hint(up.output(), "More: an internal load balancer", null));
      assertThat(internal.exit()).as(internal.output()).isZero();
      assertThat(internal.output().lines().filter(l -> l.startsWith("web-")).count())
          .as("the pasted curl got an answer")
          .isPositive();
      V1Service web =
          Await.until(
              Duration.ofSeconds(90),
              "the VIP of demo/web-internal",
              () ->
                  Unchecked.get(() -> core.readNamespacedService("web-internal", "demo").execute()),
              s ->
                  s.getStatus().getLoadBalancer() != null
                      && s.getStatus().getLoadBalancer().getIngress() != null
                      && !s.getStatus().getLoadBalancer().getIngress().isEmpty());
      String vip = web.getStatus().getLoadBalancer().getIngress().get(0).getIp();
      assertThat(vip).as("from the subnet").startsWith("127.60.");
      HttpResponse<String> answer =
          Await.until(
              Duration.ofSeconds(60),
              "an answer through " + vip,
              () -> {
                try {
                  return HttpClient.newBuilder()
                      .connectTimeout(Duration.ofSeconds(2))
                      .build()
                      .send(
                          HttpRequest.newBuilder(URI.create("http://" + vip + ":8081/"))
                              .timeout(Duration.ofSeconds(3))
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                  return null;
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              },
              r -> r != null && r.statusCode() == 200);
      assertThat(answer.body().trim()).startsWith("web-");

      // The SNAT Pro hint, pasted: a Service made after the switch gets a load balancer with SNAT
      // Pro.
      Run snat = paste(state, hint(up.output(), "Switch it on:", "admin/state"));
      assertThat(snat.exit()).as(snat.output()).isZero();
      Await.until(
          Duration.ofSeconds(90),
          "a load balancer with SNAT Pro",
          () ->
              Unchecked.get(
                      () ->
                          paste(
                              state,
                              List.of(
                                  "curl -s $CLB_EMULATOR_ENDPOINT/admin/state | grep -o '\"snatPro\": *[a-z]*'")))
                  .output(),
          o -> o.contains("true"));
    } finally {
      Run down = script(state, Duration.ofMinutes(2), "down");
      assertThat(down.exit()).as(down.output()).isZero();
    }
  }

  /**
   * The command lines printed after {@code heading}, up to (not including) {@code stopBefore} or
   * the next blank line.
   */
  static List<String> hint(String output, String heading, String stopBefore) {
    List<String> commands = new ArrayList<>();
    boolean in = false;
    StringBuilder pending = new StringBuilder();
    for (String line : output.split("\n")) {
      if (line.startsWith(heading)) {
        in = true;
        continue;
      }
      if (!in) {
        continue;
      }
      if (stopBefore != null && line.contains(stopBefore) || stopBefore == null && line.isBlank()) {
        break;
      }
      if (!line.startsWith("       ")) {
        continue; // prose
      }
      String text = line.trim();
      if (text.endsWith("\\")) {
        pending.append(text, 0, text.length() - 1);
        continue;
      }
      commands.add(pending + text);
      pending.setLength(0);
    }
    assertThat(commands).as("commands after '" + heading + "'").isNotEmpty();
    return commands;
  }

  /** The commands of the shell block after "**In the sandbox**" in a Markdown document. */
  static List<String> sandboxBlock(String markdown) {
    String rest = markdown.substring(markdown.indexOf("**In the sandbox**"));
    rest = rest.substring(rest.indexOf("```sh") + "```sh".length());
    return rest.substring(0, rest.indexOf("```"))
        .lines()
        .map(String::trim)
        .filter(l -> !l.isEmpty())
        .toList();
  }

  /** Runs commands as a user would paste them, in a shell set up as the printed hint says. */
  static Run paste(Path state, List<String> commands) throws IOException, InterruptedException {
    String setup =
        ". "
            + state.resolve("env")
            + " && export PATH=\"$("
            + REPO.resolve("hack/control-plane.sh")
            + " path):$PATH\"";
    List<String> lines = new ArrayList<>();
    for (String command : commands) {
      // A loop that runs until Ctrl-C: a few seconds of it, then as if interrupted.
      lines.add(
          command.startsWith("while ")
              ? "timeout 3 bash -c '" + command + "' || [ $? -eq 124 ]"
              : command);
    }
    ProcessBuilder builder =
        new ProcessBuilder("bash", "-c", "set -e; " + setup + "; " + String.join("\n", lines))
            .directory(REPO.toFile())
            .redirectErrorStream(true);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("pasted commands did not finish: " + commands + "\n" + output);
    }
    return new Run(process.exitValue(), output);
  }
}
