package io.clbdirect.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.tencentcloudapi.clb.v20180317.models.DeleteListenerRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeListenersRequest;
import com.tencentcloudapi.clb.v20180317.models.DescribeQuotaRequest;
import io.clbdirect.emulator.audit.WriteLog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The admin HTTP paths: the whole state as JSON, and faults set, read and cleared over HTTP. */
class AdminEndpointsTest extends EmulatorFixture {

  final HttpClient http = HttpClient.newHttpClient();

  HttpResponse<String> admin(String method, String path, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://" + clb.endpoint() + path));
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void stateShowsLoadBalancersListenersAndTargetsWithHealth() throws Exception {
    String lb = createLoadBalancer("admin");
    createListener(lb, "TCP", 7000, null);

    JsonObject state =
        JsonParser.parseString(admin("GET", "/admin/state", null).body()).getAsJsonObject();

    JsonObject first = state.getAsJsonArray("loadBalancers").get(0).getAsJsonObject();
    assertThat(first.get("loadBalancerId").getAsString()).isEqualTo(lb);
    assertThat(first.get("status").getAsString()).isEqualTo("running");
    assertThat(first.get("vip").getAsString()).startsWith("127.91.");
    assertThat(first.getAsJsonArray("listeners").get(0).getAsJsonObject().get("port").getAsInt())
        .isEqualTo(7000);
  }

  @Test
  void faultsCanBeSetReadAndClearedOverHttp() throws Exception {
    HttpResponse<String> set =
        admin(
            "POST",
            "/admin/faults",
            "{\"seed\":3,\"throttle\":false,\"actions\":{\"DescribeQuota\":{\"rate\":1.0,\"code\":\"InternalError\"}}}");
    assertThat(set.statusCode()).isEqualTo(200);
    assertThat(
            JsonParser.parseString(admin("GET", "/admin/faults", null).body())
                .getAsJsonObject()
                .getAsJsonObject("actions")
                .has("DescribeQuota"))
        .isTrue();
    assertCode(() -> client.DescribeQuota(new DescribeQuotaRequest()), "InternalError");

    assertThat(admin("DELETE", "/admin/faults", null).statusCode()).isEqualTo(200);
    assertThat(client.DescribeQuota(new DescribeQuotaRequest()).getQuotaSet()).isNotEmpty();

    HttpResponse<String> bad =
        admin("POST", "/admin/faults", "{\"actions\":{\"X\":{\"rate\":2,\"code\":\"C\"}}}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("error rate must be within 0..1");
  }

  @Test
  void writesListsExecutedWriteCallsOnlyWithParamsAndErrors() throws Exception {
    String lb = createLoadBalancer("audit");
    String listener = createListener(lb, "TCP", 7001, null);
    DescribeListenersRequest read = new DescribeListenersRequest();
    read.setLoadBalancerId(lb);
    client.DescribeListeners(read);
    DeleteListenerRequest missing = new DeleteListenerRequest();
    missing.setLoadBalancerId(lb);
    missing.setListenerId("lbl-missing");
    assertCode(() -> client.DeleteListener(missing), "InvalidParameter.ListenerIdNotFound");
    clb.faults().failAction("DeleteListener", 1.0, "InternalError");
    DeleteListenerRequest injected = new DeleteListenerRequest();
    injected.setLoadBalancerId(lb);
    injected.setListenerId(listener);
    assertCode(() -> client.DeleteListener(injected), "InternalError");

    List<WriteLog.WriteCall> calls = clb.writes().calls();
    assertThat(calls)
        .extracting(WriteLog.WriteCall::action)
        .as("reads and calls refused before their handler (the injected fault) are not writes")
        .containsExactly("CreateLoadBalancer", "CreateListener", "DeleteListener");
    assertThat(calls.get(1).params().get("LoadBalancerId").getAsString()).isEqualTo(lb);
    assertThat(calls.get(1).succeeded()).isTrue();
    assertThat(calls.get(2).errorCode()).startsWith("InvalidParameter");

    JsonObject view =
        JsonParser.parseString(admin("GET", "/admin/writes", null).body()).getAsJsonObject();
    assertThat(view.getAsJsonArray("writes")).hasSize(3);
    assertThat(view.get("dropped").getAsLong()).isZero();
    assertThat(admin("DELETE", "/admin/writes", null).statusCode()).as("read-only").isEqualTo(405);
    assertThat(clb.writes().calls()).hasSize(3);
  }
}
