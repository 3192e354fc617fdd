package io.clbdirect.emulator.certs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The emulated SSL service's certificates by id, shared by the SSL API (UploadCertificate, …) and
 * CLB's inline certificates (CertificateInput with CertContent), which upload into it as the real
 * CLB does. Not thread-safe: callers hold the state lock.
 */
public final class CertificateStore {

  private static final String ID_ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private final Map<String, StoredCertificate> certificates = new LinkedHashMap<>();
  private final Random ids;

  public CertificateStore(long seed) {
    this.ids = new Random(seed ^ 0x55AAL);
  }

  /** A fresh id like the real ones: 8 letters and digits ({@code Yx0v1Yp1}). */
  public String newId() {
    String id;
    do {
      StringBuilder b = new StringBuilder(8);
      for (int i = 0; i < 8; i++) {
        b.append(ID_ALPHABET.charAt(ids.nextInt(ID_ALPHABET.length())));
      }
      id = b.toString();
    } while (certificates.containsKey(id));
    return id;
  }

  public void put(StoredCertificate certificate) {
    certificates.put(certificate.certificateId(), certificate);
  }

  public StoredCertificate get(String id) {
    return certificates.get(id);
  }

  public StoredCertificate remove(String id) {
    return certificates.remove(id);
  }

  /** A certificate of this type with the same leaf fingerprint, or null. */
  public StoredCertificate sameContent(String type, String fingerprint) {
    for (StoredCertificate c : certificates.values()) {
      if (c.type().equals(type) && c.fingerprint().equals(fingerprint)) {
        return c;
      }
    }
    return null;
  }

  /** Every certificate, oldest first. */
  public List<StoredCertificate> all() {
    return new ArrayList<>(certificates.values());
  }
}
