package io.clbdirect.emulator.api;

import io.clbdirect.emulator.certs.CertificateStore;
import io.clbdirect.emulator.certs.CertificateUpload;
import io.clbdirect.emulator.certs.StoredCertificate;
import io.clbdirect.emulator.model.ListenerCertificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Reads a CLB {@code CertificateInput} (CreateListener, ModifyListener, CreateRule's Rules[],
 * ModifyDomainAttributes) into a {@link ListenerCertificate}: certificates by id from the SSL
 * store, or given inline (CertName + CertKey + CertContent, CertCaName + CertCaContent), which are
 * uploaded into the same store as the real CLB does. Nothing is stored unless the whole input is
 * valid. Callers hold the state lock.
 */
final class CertificateInputs {

  private CertificateInputs() {}

  /**
   * @param path the input's field path, for messages ({@code Certificate}, {@code
   *     Rules[].Certificate})
   */
  static ListenerCertificate resolve(
      Params input, String path, CertificateStore store, Instant now) {
    String mode = input.has("SSLMode") ? input.optString("SSLMode") : "UNIDIRECTIONAL";
    if (!mode.equals("UNIDIRECTIONAL") && !mode.equals("MUTUAL")) {
      throw new ApiError(
          "InvalidParameterValue.Range",
          "`" + path + ".SSLMode` must be UNIDIRECTIONAL or MUTUAL, got " + mode + ".");
    }
    boolean mutual = mode.equals("MUTUAL");
    String verify = input.optString("SSLVerifyClient");
    if (verify != null && !mutual) {
      // choice: the reference says it only takes effect with MUTUAL; refused rather than ignored.
      throw new ApiError(
          "InvalidParameter", "`" + path + ".SSLVerifyClient` needs `SSLMode` MUTUAL.");
    }
    if (verify != null && !verify.equals("ON") && !verify.equals("OPTIONAL")) {
      throw new ApiError(
          "InvalidParameterValue.Range",
          "`" + path + ".SSLVerifyClient` must be ON or OPTIONAL, got " + verify + ".");
    }
    StoredCertificate server =
        certificate(
            input,
            path,
            store,
            now,
            StoredCertificate.SVR,
            "CertId",
            List.of("CertName", "CertKey", "CertContent"));
    StoredCertificate ca = null;
    if (mutual) {
      ca =
          certificate(
              input,
              path,
              store,
              now,
              StoredCertificate.CA,
              "CertCaId",
              List.of("CertCaName", "CertCaContent"));
    } else {
      for (String field : List.of("CertCaId", "CertCaName", "CertCaContent")) {
        if (input.has(field)) {
          throw new ApiError(
              "InvalidParameter",
              "`" + path + "." + field + "` is for `SSLMode` MUTUAL (a client CA certificate).");
        }
      }
    }
    // Stored only now that both halves are valid.
    if (store.get(server.certificateId()) == null) {
      store.put(server);
    }
    if (ca != null && store.get(ca.certificateId()) == null) {
      store.put(ca);
    }
    return new ListenerCertificate(
        mode, mutual ? (verify == null ? "ON" : verify) : null, server, ca);
  }

  /** By id (which must name a stored certificate of {@code type}), or built from inline PEM. */
  private static StoredCertificate certificate(
      Params input,
      String path,
      CertificateStore store,
      Instant now,
      String type,
      String idField,
      List<String> inline) {
    String id = input.optString(idField);
    if (id != null) {
      for (String field : inline) {
        if (input.has(field)) {
          throw new ApiError(
              "InvalidParameter",
              "Give `" + path + "." + idField + "` or `" + path + "." + field + "`, not both.");
        }
      }
      StoredCertificate stored = store.get(id);
      if (stored == null) {
        // choice: the CLB documents no certificate-specific code; InvalidParameterValue names it.
        throw new ApiError(
            "InvalidParameterValue",
            "`" + path + "." + idField + "`: certificate " + id + " does not exist.");
      }
      if (!stored.type().equals(type)) {
        throw new ApiError(
            "InvalidParameterValue",
            "`"
                + path
                + "."
                + idField
                + "`: certificate "
                + id
                + " is a "
                + stored.type()
                + " certificate, not "
                + type
                + ".");
      }
      return stored;
    }
    boolean anyInline = inline.stream().anyMatch(input::has);
    for (String field : inline) {
      if (!input.has(field)) {
        // Neither an id nor inline content: the id is what is missing.
        throw ApiError.missing(path + "." + (anyInline ? field : idField));
      }
    }
    String name = input.optString(inline.get(0));
    boolean server = type.equals(StoredCertificate.SVR);
    try {
      return CertificateUpload.build(
          store.newId(),
          type,
          input.optString(server ? "CertContent" : "CertCaContent"),
          path + "." + (server ? "CertContent" : "CertCaContent"),
          server ? input.optString("CertKey") : null,
          path + ".CertKey",
          name,
          0,
          "CLB",
          Map.of(),
          now);
    } catch (ApiError e) {
      if (e.code().startsWith("FailedOperation.")) {
        // The SSL service's refusal, told in CLB's terms: the value given is not acceptable.
        throw new ApiError("InvalidParameterValue", e.code() + ": " + e.getMessage());
      }
      throw e;
    }
  }
}
