package io.clbdirect.emulator.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A request's {@code Filters[]}, read with the reference's limits: at most 10 filters, each with a
 * {@code Name} and 1–100 {@code Values} (both required). Filters combine with AND, the values of
 * one filter with OR. A name the action does not document is {@code
 * InvalidParameterValue.InvalidFilter}; one it documents but the emulator does not model is {@code
 * UnsupportedOperation}; a value outside a filter's documented choices is {@code
 * InvalidParameterValue.Range}. All name the filter.
 */
final class Filters {

  record Filter(String name, List<String> values) {
    boolean matches(String value) {
      return value != null && values.contains(value);
    }
  }

  private Filters() {}

  /**
   * @param known documented names the emulator implements
   * @param notModelled documented names the emulator refuses, with the reason
   * @param choices for some known names, the values the reference allows
   */
  static List<Filter> read(
      Params p,
      String action,
      Predicate<String> known,
      Map<String, String> notModelled,
      Map<String, Set<String>> choices) {
    List<Params> raw = p.objects("Filters");
    if (raw.size() > 10) {
      throw ApiError.tooMany("Filters", 10);
    }
    List<Filter> filters = new ArrayList<>();
    for (Params filter : raw) {
      String name = filter.optString("Name");
      if (name == null) {
        throw ApiError.missing("Filters.Name");
      }
      List<String> values = filter.strings("Values");
      if (values.isEmpty()) {
        throw new ApiError(
            "MissingParameter",
            "The request is missing a required parameter `Filters.Values` (filter `"
                + name
                + "`).");
      }
      if (values.size() > 100) {
        throw new ApiError(
            "InvalidParameterValue.Length", "Filter `" + name + "` holds more than 100 values.");
      }
      if (notModelled.containsKey(name)) {
        throw new ApiError(
            "UnsupportedOperation",
            "Filter `"
                + name
                + "` of "
                + action
                + " is not implemented by the emulator: "
                + notModelled.get(name)
                + ".");
      }
      if (!known.test(name)) {
        throw new ApiError(
            "InvalidParameterValue.InvalidFilter",
            "Filter `" + name + "` is not a filter of " + action + ".");
      }
      Set<String> allowed = choices.get(name);
      if (allowed != null) {
        for (String value : values) {
          if (!allowed.contains(value)) {
            throw new ApiError(
                "InvalidParameterValue.Range",
                "Filter `"
                    + name
                    + "` takes "
                    + String.join(", ", allowed.stream().sorted().toList())
                    + ", got "
                    + value
                    + ".");
          }
        }
      }
      filters.add(new Filter(name, List.copyOf(values)));
    }
    return filters;
  }
}
