package io.clbdirect.webhook.admission;

import com.google.gson.JsonElement;

/**
 * The part of {@code request} clb-direct uses. {@code object} stays a raw JSON tree so the Pod can
 * be read tolerantly and patch paths refer to what the API server actually sent.
 */
public record AdmissionRequest(
    String uid,
    GroupVersionKind kind,
    String name,
    String namespace,
    String operation,
    JsonElement object,
    Boolean dryRun) {}
