package io.clbdirect.core.tkeconfig;

import java.util.Objects;

/**
 * What to send in a ModifyListener or ModifyRule call: the non-null attributes, and only those.
 *
 * @param attributes the new values; null components stay as they are on the CLB
 */
public record AttributeChanges(ClbAttributes attributes) {

  public AttributeChanges {
    Objects.requireNonNull(attributes, "attributes");
  }

  /** Nothing differs: no call is needed. */
  public boolean isEmpty() {
    return attributes.equals(ClbAttributes.NONE);
  }
}
