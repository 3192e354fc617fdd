package io.clbdirect.e2e.manifests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/** Calls the RBAC refused, as clb-direct's log shows them. */
public final class ForbiddenCalls {

  /**
   * A 403 as clb-direct or client-java would log it: the response body's reason, or the bare code.
   */
  public static final Pattern FORBIDDEN =
      Pattern.compile("(?i)forbidden|\\(403\\)|code:? 403\\b|retrying: 403\\b|\\b403 Forbidden");

  private ForbiddenCalls() {}

  /** The first 20 lines of the log that show a refused call; empty when there is none. */
  public static List<String> in(Path log) throws IOException {
    return Files.readString(log)
        .lines()
        .filter(line -> FORBIDDEN.matcher(line).find())
        .limit(20)
        .toList();
  }
}
