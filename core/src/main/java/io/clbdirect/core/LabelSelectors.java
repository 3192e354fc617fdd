package io.clbdirect.core;

import java.util.Map;

/** Equality-based selectors as Services use them. */
public final class LabelSelectors {

  private LabelSelectors() {}

  /**
   * True when every selector entry is among the labels. A missing or empty selector selects
   * nothing: that is how Kubernetes treats a Service without a selector (no endpoints are managed
   * for it).
   */
  public static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    if (selector == null || selector.isEmpty() || labels == null || labels.isEmpty()) {
      return false;
    }
    for (Map.Entry<String, String> wanted : selector.entrySet()) {
      if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
