package io.clbdirect.e2e.helm;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.clbdirect.e2e.manifests.Kustomization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;

/**
 * Rendered objects brought to a form in which the chart's and the kustomization's can be compared
 * field by field. Only what Helm adds by design goes, and each of those is checked before it goes,
 * so that nothing else can hide behind the normalisation:
 *
 * <ul>
 *   <li>Helm's labels on every templated object (not the CRD, which crds/ holds verbatim): {@code
 *       app.kubernetes.io/instance} (the release), {@code app.kubernetes.io/managed-by: Helm},
 *       {@code helm.sh/chart: clb-direct-<version>};
 *   <li>the Pod template's {@code checksum/config}, which must be the SHA-256 of the ConfigMap's
 *       application.yaml (that is what rolls the Pods when the settings change).
 * </ul>
 *
 * Both sides: the ConfigMap's application.yaml is compared as the YAML it holds, not as text
 * (comments and key order are the two files' own).
 */
public final class Normalised {

  static final String CHECKSUM = "checksum/config";
  private static final Gson GSON = new Gson();

  private Normalised() {}

  /** A copy of a helm-rendered object without Helm's additions, after checking them. */
  public static JsonObject fromHelm(
      JsonObject object, String release, String chartVersion, String applicationYaml) {
    JsonObject copy = object.deepCopy();
    if (object.get("kind").getAsString().equals("CustomResourceDefinition")) {
      // From the chart's crds/, which Helm installs as it is: no template, so no labels of Helm's.
      return copy;
    }
    JsonObject labels = copy.getAsJsonObject("metadata").getAsJsonObject("labels");
    String id = Kustomization.id(object);
    require(labels != null, id + " has no labels");
    requireLabel(labels, id, "app.kubernetes.io/instance", release);
    requireLabel(labels, id, "app.kubernetes.io/managed-by", "Helm");
    requireLabel(labels, id, "helm.sh/chart", "clb-direct-" + chartVersion);
    if (object.get("kind").getAsString().equals("Deployment")) {
      JsonObject template =
          copy.getAsJsonObject("spec").getAsJsonObject("template").getAsJsonObject("metadata");
      JsonObject annotations = template.getAsJsonObject("annotations");
      require(annotations != null && annotations.has(CHECKSUM), id + " has no " + CHECKSUM);
      String expected = sha256(applicationYaml.stripTrailing());
      require(
          annotations.get(CHECKSUM).getAsString().equals(expected),
          id + ": " + CHECKSUM + " is not the SHA-256 of the ConfigMap's application.yaml");
      annotations.remove(CHECKSUM);
      if (annotations.size() == 0) {
        template.remove("annotations");
      }
    }
    return withParsedSettings(copy);
  }

  /** A copy whose ConfigMap application.yaml is the parsed YAML instead of its text. */
  public static JsonObject withParsedSettings(JsonObject object) {
    JsonObject copy = object.deepCopy();
    if (copy.get("kind").getAsString().equals("ConfigMap")
        && copy.getAsJsonObject("data").has("application.yaml")) {
      JsonObject data = copy.getAsJsonObject("data");
      data.add("application.yaml", settings(data.get("application.yaml").getAsString()));
    }
    return copy;
  }

  /** application.yaml's content as JSON, read as {@link Kustomization#loadDocuments} reads YAML. */
  public static JsonElement settings(String applicationYaml) {
    try {
      Path file = Files.createTempFile("application", ".yaml");
      try {
        Files.writeString(file, applicationYaml);
        List<Object> documents = Kustomization.loadDocuments(file);
        require(documents.size() == 1, "application.yaml holds " + documents.size() + " documents");
        return GSON.toJsonTree(documents.get(0) == null ? Map.of() : documents.get(0));
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return String.format("%064x", new BigInteger(1, digest));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void requireLabel(JsonObject labels, String id, String key, String value) {
    require(
        labels.has(key) && labels.get(key).getAsString().equals(value),
        id + ": label " + key + " should be " + value + ", is " + labels.get(key));
    labels.remove(key);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }
}
