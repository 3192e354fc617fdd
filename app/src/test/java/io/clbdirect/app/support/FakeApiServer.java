package io.clbdirect.app.support;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.BufferedSink;

/**
 * A MockWebServer standing in for kube-apiserver: answers LIST requests from canned JSON and holds
 * WATCH requests open without events, which is exactly what a quiet cluster looks like to an
 * informer. Every request is recorded, so a test can prove what the process asked the API for.
 */
public final class FakeApiServer implements AutoCloseable {

  private final MockWebServer server = new MockWebServer();
  private final Map<String, String> lists = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final CountDownLatch listsReleased;
  private final CountDownLatch closing = new CountDownLatch(1);

  /**
   * @param holdLists when true, LIST answers wait for {@link #releaseLists()} (caches stay
   *     unsynced)
   */
  public FakeApiServer(boolean holdLists) throws IOException {
    listsReleased = new CountDownLatch(holdLists ? 1 : 0);
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            return answer(request);
          }
        });
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  /** Serves {@code itemsJson} (a JSON array) as the list at {@code path}, e.g. /api/v1/services. */
  public FakeApiServer list(String path, String kind, String itemsJson) {
    lists.put(
        path,
        "{\"apiVersion\":\"v1\",\"kind\":\""
            + kind
            + "\",\"metadata\":{\"resourceVersion\":\"100\"},\"items\":"
            + itemsJson
            + "}");
    return this;
  }

  public void releaseLists() {
    listsReleased.countDown();
  }

  public int requestCount() {
    return requests.size();
  }

  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** A kubeconfig pointing at this server, written to {@code dir}. */
  public Path writeKubeconfig(Path dir) throws IOException {
    String kubeconfig =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: fake
          cluster:
            server: http://127.0.0.1:%d
        users:
        - name: test
          user:
            token: test-token
        contexts:
        - name: fake
          context:
            cluster: fake
            user: test
        current-context: fake
        """
            .formatted(server.getPort());
    Path file = dir.resolve("kubeconfig");
    Files.writeString(file, kubeconfig, StandardCharsets.UTF_8);
    return file;
  }

  private MockResponse answer(RecordedRequest request) throws InterruptedException {
    requests.add(request.getRequestLine());
    String watch = request.getUrl().queryParameter("watch");
    if ("true".equals(watch) || "1".equals(watch)) {
      return new MockResponse.Builder()
          .code(200)
          .addHeader("Content-Type", "application/json")
          .body(new OpenUntilClosed())
          .build();
    }
    if (!listsReleased.await(60, TimeUnit.SECONDS)) {
      return new MockResponse.Builder().code(503).build();
    }
    String body = lists.get(request.getUrl().encodedPath());
    if (body == null) {
      return new MockResponse.Builder()
          .code(404)
          .addHeader("Content-Type", "application/json")
          .body(
              "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}")
          .build();
    }
    return new MockResponse.Builder()
        .code(200)
        .addHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  @Override
  public void close() {
    closing.countDown();
    listsReleased.countDown();
    server.close();
  }

  /** A watch stream with no events that ends when the fake server closes. */
  private final class OpenUntilClosed implements MockResponseBody {
    @Override
    public long getContentLength() {
      return -1;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      sink.flush();
      try {
        closing.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
