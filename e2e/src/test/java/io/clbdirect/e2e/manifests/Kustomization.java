package io.clbdirect.e2e.manifests;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Renders a kustomization the way {@code kustomize build} (and so {@code kubectl apply -k}) does,
 * for the few features manifests/ uses: {@code resources} (files, possibly multi-document, and
 * directories holding a kustomization of their own) and {@code images} ({@code name}, {@code
 * newName}, {@code newTag}, {@code digest}, applied to every {@code containers[]} / {@code
 * initContainers[]} image). Anything else fails loudly, so the rendering the e2e test checks is
 * exactly what users get.
 *
 * <p>YAML is read by snakeyaml (YAML 1.1) while kustomize reads YAML 1.2; plain scalars on which
 * the two disagree ({@code yes}, {@code on}, {@code 0644}, dates...) are rejected rather than
 * guessed.
 */
public final class Kustomization {

  private static final Set<String> SUPPORTED_FIELDS =
      Set.of("apiVersion", "kind", "resources", "images");
  private static final Set<String> SUPPORTED_IMAGE_FIELDS =
      Set.of("name", "newName", "newTag", "digest");
  private static final List<String> FILE_NAMES =
      List.of("kustomization.yaml", "kustomization.yml", "Kustomization");
  private static final Pattern YAML_12_BOOL = Pattern.compile("true|True|TRUE|false|False|FALSE");
  private static final Pattern YAML_12_INT = Pattern.compile("-?(0|[1-9][0-9]*)");
  private static final Pattern YAML_12_FLOAT =
      Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]*)?([eE][-+]?[0-9]+)?");
  private static final Gson GSON = new Gson();

  private Kustomization() {}

  /**
   * The objects {@code kustomize build dir} would print, as JSON, in the order the resources list
   * them.
   */
  public static List<JsonObject> render(Path dir) {
    Path file = kustomizationFile(dir);
    List<Object> documents = loadDocuments(file);
    if (documents.size() != 1 || !(documents.get(0) instanceof Map<?, ?> kustomization)) {
      throw new IllegalArgumentException(file + ": expected one YAML mapping");
    }
    Set<String> unsupported = new HashSet<>();
    for (Object key : kustomization.keySet()) {
      if (!SUPPORTED_FIELDS.contains(String.valueOf(key))) {
        unsupported.add(String.valueOf(key));
      }
    }
    if (!unsupported.isEmpty()) {
      throw new UnsupportedOperationException(
          file
              + " uses kustomize field(s) "
              + unsupported
              + " that ManifestsEndToEndTest "
              + "does not implement (only "
              + SUPPORTED_FIELDS
              + "): implement them in "
              + Kustomization.class.getName()
              + " or keep the kustomization simpler");
    }
    require(file, "apiVersion", "kustomize.config.k8s.io/v1beta1", kustomization.get("apiVersion"));
    require(file, "kind", "Kustomization", kustomization.get("kind"));

    List<JsonObject> objects = new ArrayList<>();
    for (Object entry : list(file, "resources", kustomization.get("resources"))) {
      if (!(entry instanceof String resource) || resource.isBlank()) {
        throw new IllegalArgumentException(
            file + ": resources entries must be paths, got " + entry);
      }
      if (resource.contains("://")
          || resource.startsWith("/")
          || Path.of(resource).normalize().startsWith("..")
          || resource.contains("?")) {
        throw new UnsupportedOperationException(
            file
                + ": resource "
                + resource
                + " is remote or outside the kustomization root; "
                + "ManifestsEndToEndTest renders local paths under the root only");
      }
      Path path = dir.resolve(resource).normalize();
      if (Files.isDirectory(path)) {
        objects.addAll(render(path));
      } else if (Files.isRegularFile(path)) {
        for (Object document : loadDocuments(path)) {
          if (document == null) {
            continue; // an empty document, e.g. after a trailing ---
          }
          if (!(document instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(path + ": a document is not a mapping: " + document);
          }
          objects.add(GSON.toJsonTree(document).getAsJsonObject());
        }
      } else {
        throw new IllegalArgumentException(file + ": resource " + resource + " does not exist");
      }
    }

    for (Object entry : list(file, "images", kustomization.get("images"))) {
      if (!(entry instanceof Map<?, ?> image)) {
        throw new IllegalArgumentException(
            file + ": images entries must be mappings, got " + entry);
      }
      for (Object key : image.keySet()) {
        if (!SUPPORTED_IMAGE_FIELDS.contains(String.valueOf(key))) {
          throw new UnsupportedOperationException(
              file
                  + ": images field "
                  + key
                  + " is not implemented (only "
                  + SUPPORTED_IMAGE_FIELDS
                  + ")");
        }
      }
      ImageOverride override =
          new ImageOverride(
              string(image.get("name")),
              string(image.get("newName")),
              string(image.get("newTag")),
              string(image.get("digest")));
      if (override.name() == null) {
        throw new IllegalArgumentException(file + ": an images entry has no name");
      }
      objects.forEach(object -> override.applyTo(object));
    }

    Set<String> ids = new HashSet<>();
    for (JsonObject object : objects) {
      String id = id(object);
      if (!ids.add(id)) {
        throw new IllegalArgumentException(
            dir + ": " + id + " appears twice (kustomize refuses that)");
      }
    }
    return objects;
  }

  /** group/kind namespace/name, kustomize's notion of a resource's identity. */
  public static String id(JsonObject object) {
    String apiVersion = object.get("apiVersion").getAsString();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    JsonObject metadata = object.getAsJsonObject("metadata");
    String namespace = metadata.has("namespace") ? metadata.get("namespace").getAsString() : "";
    return group
        + "/"
        + object.get("kind").getAsString()
        + " "
        + namespace
        + "/"
        + metadata.get("name").getAsString();
  }

  /** Every document of a YAML file, after rejecting scalars YAML 1.1 and 1.2 read differently. */
  public static List<Object> loadDocuments(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    for (Node node : yaml.composeAll(new StringReader(text))) {
      rejectAmbiguousScalars(file, node);
    }
    List<Object> documents = new ArrayList<>();
    for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text)) {
      documents.add(document);
    }
    return documents;
  }

  private static void rejectAmbiguousScalars(Path file, Node node) {
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        rejectAmbiguousScalars(file, tuple.getKeyNode());
        rejectAmbiguousScalars(file, tuple.getValueNode());
      }
    } else if (node instanceof SequenceNode sequence) {
      sequence.getValue().forEach(child -> rejectAmbiguousScalars(file, child));
    } else if (node instanceof ScalarNode scalar
        && scalar.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN) {
      Tag tag = scalar.getTag();
      String value = scalar.getValue();
      boolean ambiguous =
          (Tag.BOOL.equals(tag) && !YAML_12_BOOL.matcher(value).matches())
              || (Tag.INT.equals(tag) && !YAML_12_INT.matcher(value).matches())
              || (Tag.FLOAT.equals(tag) && !YAML_12_FLOAT.matcher(value).matches())
              || Tag.TIMESTAMP.equals(tag);
      if (ambiguous) {
        throw new IllegalArgumentException(
            file
                + " line "
                + (scalar.getStartMark().getLine() + 1)
                + ": the plain scalar '"
                + value
                + "' means "
                + tag.getValue()
                + " in YAML 1.1 but not in YAML 1.2 (kustomize); quote it");
      }
    }
  }

  private static Path kustomizationFile(Path dir) {
    List<Path> found = FILE_NAMES.stream().map(dir::resolve).filter(Files::isRegularFile).toList();
    if (found.size() != 1) {
      throw new IllegalArgumentException(
          dir + ": expected exactly one of " + FILE_NAMES + ", found " + found);
    }
    return found.get(0);
  }

  private static List<?> list(Path file, String field, Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new IllegalArgumentException(file + ": " + field + " must be a list");
    }
    return list;
  }

  private static void require(Path file, String field, String expected, Object actual) {
    if (!expected.equals(actual)) {
      throw new IllegalArgumentException(
          file + ": " + field + " must be " + expected + ", is " + actual);
    }
  }

  private static String string(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Date) {
      throw new IllegalArgumentException("a date where a string was expected: " + value);
    }
    return String.valueOf(value);
  }

  /** One {@code images:} entry. */
  public record ImageOverride(String name, String newName, String newTag, String digest) {

    void applyTo(JsonElement element) {
      if (element instanceof JsonObject object) {
        for (Map.Entry<String, JsonElement> field :
            new LinkedHashMap<>(object.asMap()).entrySet()) {
          if ((field.getKey().equals("containers") || field.getKey().equals("initContainers"))
              && field.getValue() instanceof JsonArray containers) {
            for (JsonElement container : containers) {
              if (container instanceof JsonObject c && c.has("image")) {
                c.addProperty("image", rewrite(c.get("image").getAsString()));
              }
            }
          }
          applyTo(field.getValue());
        }
      } else if (element instanceof JsonArray array) {
        array.forEach(this::applyTo);
      }
    }

    /** kustomize's rule: the name is what precedes the tag (after the last /) or the digest. */
    public String rewrite(String image) {
      String imageName;
      String suffix;
      int at = image.indexOf('@');
      if (at >= 0) {
        imageName = image.substring(0, at);
        suffix = image.substring(at);
      } else {
        int colon = image.lastIndexOf(':');
        if (colon > image.lastIndexOf('/')) {
          imageName = image.substring(0, colon);
          suffix = image.substring(colon);
        } else {
          imageName = image;
          suffix = "";
        }
      }
      if (!imageName.equals(name)) {
        return image;
      }
      if (digest != null) {
        suffix = "@" + digest;
      } else if (newTag != null) {
        suffix = ":" + newTag;
      }
      return (newName != null ? newName : imageName) + suffix;
    }
  }
}
