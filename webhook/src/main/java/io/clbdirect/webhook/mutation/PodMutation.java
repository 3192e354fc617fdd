package io.clbdirect.webhook.mutation;

import java.util.List;

/**
 * What the webhook answers for one Pod.
 *
 * @param patch operations to apply, empty when the Pod is left as it is
 * @param warnings messages for the user who created the Pod (kubectl prints them)
 */
public record PodMutation(List<PatchOperation> patch, List<String> warnings) {

  public PodMutation {
    patch = List.copyOf(patch);
    warnings = List.copyOf(warnings);
  }

  public static PodMutation none() {
    return new PodMutation(List.of(), List.of());
  }

  public static PodMutation warning(String warning) {
    return new PodMutation(List.of(), List.of(warning));
  }
}
