package io.clbdirect.emulator.model;

/**
 * Where a rule redirects its requests (CLB's rewrite): the target listener and rule, the status
 * code (301, 302 or 307), whether the request's path is kept ({@code takeUrl}), and whether
 * AutoRewrite (Auto) or ManualRewrite (Manual) made it.
 */
public record RewriteTarget(
    String targetListenerId,
    String targetLocationId,
    int rewriteCode,
    boolean takeUrl,
    String rewriteType) {}
