package io.clbdirect.core.tkeconfig;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TkeServiceConfigsTest {

  @Test
  void theReferenceIsTheTrimmedAnnotationValue() {
    Map<String, String> annotations = Map.of(TkeServiceConfigs.SERVICE_ANNOTATION, " web-config ");

    assertThat(TkeServiceConfigs.referencedName(annotations, TkeServiceConfigs.SERVICE_ANNOTATION))
        .contains("web-config");
    assertThat(TkeServiceConfigs.referencedName(annotations, TkeServiceConfigs.INGRESS_ANNOTATION))
        .as("a Service's annotation is not an Ingress's")
        .isEmpty();
  }

  @Test
  void absentOrBlankIsNoReference() {
    Map<String, String> blank = new HashMap<>();
    blank.put(TkeServiceConfigs.INGRESS_ANNOTATION, "  ");

    assertThat(TkeServiceConfigs.referencedName(blank, TkeServiceConfigs.INGRESS_ANNOTATION))
        .isEmpty();
    assertThat(TkeServiceConfigs.referencedName(Map.of(), TkeServiceConfigs.INGRESS_ANNOTATION))
        .isEmpty();
    assertThat(TkeServiceConfigs.referencedName(null, TkeServiceConfigs.INGRESS_ANNOTATION))
        .isEmpty();
  }
}
