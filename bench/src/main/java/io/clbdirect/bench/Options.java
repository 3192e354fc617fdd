package io.clbdirect.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} or {@code --name=value} command-line options with defaults; unknown names
 * are refused with the list of known ones, so a typo never silently runs the default.
 */
public final class Options {

  private final Map<String, String> values = new LinkedHashMap<>();

  private Options() {}

  public static Options parse(String[] args, Set<String> known) {
    Options options = new Options();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        throw new IllegalArgumentException(
            "options: " + String.join(", ", known.stream().sorted().map(k -> "--" + k).toList()));
      }
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("expected --option, got " + arg);
      }
      String name;
      String value;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(2, eq);
        value = arg.substring(eq + 1);
      } else {
        name = arg.substring(2);
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("--" + name + " needs a value");
        }
        value = args[++i];
      }
      if (!known.contains(name)) {
        throw new IllegalArgumentException(
            "unknown option --"
                + name
                + "; known: "
                + String.join(", ", known.stream().sorted().map(k -> "--" + k).toList()));
      }
      options.values.put(name, value);
    }
    return options;
  }

  public String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  public int integer(String name, int fallback) {
    String value = values.get(name);
    return value == null ? fallback : Integer.parseInt(value.replace("_", ""));
  }

  public boolean bool(String name, boolean fallback) {
    String value = values.get(name);
    return value == null ? fallback : Boolean.parseBoolean(value);
  }

  public Duration duration(String name, Duration fallback) {
    String value = values.get(name);
    return value == null ? fallback : parseDuration(value);
  }

  public List<Integer> integers(String name, List<Integer> fallback) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    List<Integer> list = new ArrayList<>();
    for (String part : value.split(",")) {
      if (!part.isBlank()) {
        list.add(Integer.parseInt(part.strip().replace("_", "")));
      }
    }
    return List.copyOf(list);
  }

  /** Space-separated words (no quoting): for arguments handed on to another process. */
  public static List<String> words(String text) {
    return text.isBlank() ? List.of() : List.of(text.strip().split("\\s+"));
  }

  /** {@code 20s}, {@code 500ms}, {@code 2m}, or a plain number of seconds. */
  public static Duration parseDuration(String text) {
    String t = text.strip().toLowerCase(java.util.Locale.ROOT);
    if (t.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
    }
    if (t.endsWith("s")) {
      return Duration.ofMillis(
          Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
    }
    if (t.endsWith("m")) {
      return Duration.ofMillis(
          Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60_000));
    }
    return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
  }
}
