package io.clbdirect.emulator.certs;

import io.clbdirect.emulator.api.ApiError;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Turns uploaded PEM text into a {@link StoredCertificate}, with the SSL API's checks: an SVR
 * certificate needs its private key, and the key must be the leaf's; a CA certificate is stored for
 * verifying clients and takes no key. The same checks serve UploadCertificate and CLB's inline
 * certificates.
 */
public final class CertificateUpload {

  private CertificateUpload() {}

  /**
   * @param keyField the request field of the key, named in refusals
   */
  public static StoredCertificate build(
      String id,
      String type,
      String publicPem,
      String certField,
      String privatePem,
      String keyField,
      String alias,
      long projectId,
      String certificateUse,
      Map<String, String> tags,
      Instant now) {
    List<X509Certificate> chain = PemMaterial.chain(publicPem, certField);
    PrivateKey key = null;
    if (StoredCertificate.SVR.equals(type)) {
      if (privatePem == null || privatePem.isBlank()) {
        // The reference: "私钥内容，证书类型为 SVR 时必填" (required for SVR).
        throw ApiError.missing(keyField);
      }
      key = PemMaterial.privateKey(privatePem, keyField);
      PemMaterial.checkMatches(chain.get(0), key);
    } else if (privatePem != null && !privatePem.isBlank()) {
      // choice: a CA certificate only verifies clients, so its key would be stored unused; refused
      // rather than silently dropped.
      throw new ApiError(
          "InvalidParameter.WithDetailReason",
          "`" + keyField + "` must be empty for a CA certificate: a CA certificate takes no key.");
    }
    return new StoredCertificate(
        id,
        type,
        alias == null ? "" : alias,
        projectId,
        certificateUse,
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tags)),
        chain,
        key,
        PemMaterial.fingerprint(chain.get(0)),
        now);
  }
}
