package io.clbdirect.core.tkeconfig;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The examples users copy from docs/tkeserviceconfig.md are valid and mean what the text says. */
class TkeServiceConfigDocTest {

  private static final Path DOC = Path.of("..", "docs", "tkeserviceconfig.md");
  private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);

  private static List<TkeServiceConfigSpec> examples() throws IOException {
    Matcher blocks = YAML_BLOCK.matcher(Files.readString(DOC));
    List<TkeServiceConfigSpec> specs = new ArrayList<>();
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    while (blocks.find()) {
      for (Object document : yaml.loadAll(blocks.group(1))) {
        if (document instanceof Map<?, ?> object
            && TkeServiceConfigs.KIND.equals(object.get("kind"))) {
          assertThat(object.get("apiVersion"))
              .isEqualTo(TkeServiceConfigs.GROUP + "/" + TkeServiceConfigs.VERSION);
          JsonObject json = new Gson().toJsonTree(object).getAsJsonObject();
          TkeServiceConfigParser.Result result = TkeServiceConfigParser.parse(json);
          assertThat(result.errors()).isEmpty();
          specs.add(result.spec());
        }
      }
    }
    return specs;
  }

  @Test
  void theServiceAndIngressExamplesAreValidAndApplyWhereTheTextSays() throws IOException {
    List<TkeServiceConfigSpec> specs = examples();
    assertThat(specs).hasSize(2);

    ClbSettings service = specs.get(0).settingsForL4Listener("TCP", 80).orElseThrow();
    assertThat(ClbAttributeMapping.forCreate(service))
        .isEqualTo(
            new ClbAttributes(1L, 5L, 10L, null, null, null, null, null, null, 600L, null, null));

    String vip = "203.0.113.7";
    ClbSettings api =
        specs.get(1).settingsForL7Rule("HTTP", 80, "shop.example.com", "/api", vip).orElseThrow();
    assertThat(ClbAttributeMapping.forCreate(api))
        .isEqualTo(
            new ClbAttributes(
                1L, 2L, 5L, null, null, 2L, "/healthz", null, "GET", null, "LEAST_CONN", null));
    ClbSettings hostless = specs.get(1).settingsForL7Rule("HTTP", 80, vip, "/", vip).orElseThrow();
    assertThat(ClbAttributeMapping.forCreate(hostless))
        .isEqualTo(
            new ClbAttributes(
                null, null, null, null, null, null, null, null, null, 0L, null, null));
  }
}
