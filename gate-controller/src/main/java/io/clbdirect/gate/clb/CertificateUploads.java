package io.clbdirect.gate.clb;

import com.tencentcloudapi.ssl.v20191205.models.Certificates;
import com.tencentcloudapi.ssl.v20191205.models.DeleteCertificateRequest;
import com.tencentcloudapi.ssl.v20191205.models.DeleteCertificateResponse;
import com.tencentcloudapi.ssl.v20191205.models.DescribeCertificatesRequest;
import com.tencentcloudapi.ssl.v20191205.models.DescribeCertificatesResponse;
import com.tencentcloudapi.ssl.v20191205.models.Tags;
import com.tencentcloudapi.ssl.v20191205.models.UploadCertificateRequest;
import com.tencentcloudapi.ssl.v20191205.models.UploadCertificateResponse;
import io.clbdirect.gate.decide.CertificateSource.Material;
import io.clbdirect.gate.decide.SecretRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates clb-direct uploads to SSL Certificates from {@code kubernetes.io/tls} Secrets,
 * one upload per Secret and leaf certificate, found again by tags: {@code clb-direct.io/cluster}
 * (as on load balancers), {@code clb-direct.io/secret} ({@code <namespace>.<name>}) and {@code
 * clb-direct.io/fingerprint}. The private key is sent in UploadCertificate only; it is never
 * logged, and no exception thrown here carries it.
 */
public final class CertificateUploads {

  public static final String TAG_CLUSTER = LoadBalancers.TAG_CLUSTER;
  public static final String TAG_SECRET = "clb-direct.io/secret";
  public static final String TAG_FINGERPRINT = "clb-direct.io/fingerprint";

  /**
   * Tag values: at most 127 characters in Tencent Cloud's tag rules (letters, digits, spaces and
   * {@code + - = . _ : / @}); a namespace and a Secret name can reach 317.
   */
  static final int TAG_VALUE_MAX = 127;

  /**
   * The alias only helps a person in the console; the API documents no maximum, so it is kept
   * short.
   */
  static final int ALIAS_MAX = 64;

  /** Codes of a DeleteCertificate refused because the certificate is still bound somewhere. */
  static final Set<String> STILL_IN_USE =
      Set.of(
          "FailedOperation.BoundResources",
          "FailedOperation.DeleteResourceFailed",
          "FailedOperation.CannotBeDeletedWithinHour");

  static final String GONE = "FailedOperation.CertificateNotFound";

  private static final Logger log = LoggerFactory.getLogger(CertificateUploads.class);
  private static final long PAGE = 100;

  private final SslGateway ssl;
  private final String clusterName;

  /** Uploads this process knows, by Secret and fingerprint: spares a DescribeCertificates. */
  private final Map<Upload, String> known = new ConcurrentHashMap<>();

  /**
   * The id {@link #ensure} last returned per Secret: never deleted as unused, because between an
   * upload and the listener's switch to it no listener uses it yet.
   */
  private final Map<SecretRef, String> latest = new ConcurrentHashMap<>();

  private record Upload(SecretRef secret, String fingerprint) {}

  /** What a clean-up did, by certificate id. */
  public record Cleanup(List<String> deleted, List<String> pending, List<String> stillInUse) {}

  /**
   * @param clusterName {@code clb-direct.gate-controller.cluster-name}, as tagged on load balancers
   */
  public CertificateUploads(SslGateway ssl, String clusterName) {
    this.ssl = ssl;
    this.clusterName = clusterName;
  }

  /**
   * The id of an upload of exactly this certificate for this Secret: known to this process, found
   * by its tags, or uploaded now. With {@code Repeatable=false} the API answers an upload of a
   * certificate the account already holds with that certificate's id ({@code RepeatCertId}), which
   * is then used instead.
   */
  public String ensure(SecretRef secret, Material material) throws ClbOperationException {
    Upload upload = new Upload(secret, material.fingerprint());
    String id = known.get(upload);
    if (id == null) {
      id = findTagged(secret, fingerprintTag(material.fingerprint()));
    }
    if (id == null) {
      id = upload(secret, material);
    }
    known.put(upload, id);
    latest.put(secret, id);
    return id;
  }

  /** The ids uploaded for this Secret by this cluster other than {@code currentId}. */
  public List<String> obsolete(SecretRef secret, String currentId) throws ClbOperationException {
    List<String> ids = new ArrayList<>();
    for (Certificates certificate : tagged(secret)) {
      if (!certificate.getCertificateId().equals(currentId)) {
        ids.add(certificate.getCertificateId());
      }
    }
    return ids;
  }

  /**
   * Deletes this Secret's uploads that no listener uses: all but those in {@code inUse} (which
   * should hold every certificate id on this cluster's listeners) and the one {@link #ensure} last
   * returned. DeleteCertificate checks bindings itself ({@code IsCheckResource}): a certificate
   * still bound somewhere is refused, or its asynchronous deletion fails, and is tried again on a
   * later call.
   */
  public Cleanup deleteUnused(SecretRef secret, Set<String> inUse) throws ClbOperationException {
    List<String> deleted = new ArrayList<>();
    List<String> pending = new ArrayList<>();
    List<String> stillInUse = new ArrayList<>();
    String keep = latest.get(secret);
    for (String id : obsolete(secret, keep)) {
      if (inUse.contains(id)) {
        continue;
      }
      switch (delete(id)) {
        case DELETED -> deleted.add(id);
        case PENDING -> pending.add(id);
        case IN_USE -> stillInUse.add(id);
      }
    }
    known.values().removeIf(id -> deleted.contains(id) || pending.contains(id));
    if (!deleted.isEmpty() || !pending.isEmpty()) {
      log.info(
          "Secret {}: deleted unused certificate uploads {}, deletion pending for {}",
          secret,
          deleted,
          pending);
    }
    return new Cleanup(List.copyOf(deleted), List.copyOf(pending), List.copyOf(stillInUse));
  }

  private enum Deletion {
    DELETED,
    PENDING,
    IN_USE
  }

  private Deletion delete(String id) throws ClbOperationException {
    DeleteCertificateRequest request = new DeleteCertificateRequest();
    request.setCertificateId(id);
    request.setIsCheckResource(true);
    DeleteCertificateResponse response;
    try {
      response = ssl.call("DeleteCertificate", c -> c.DeleteCertificate(request));
    } catch (ClbOperationException e) {
      if (STILL_IN_USE.contains(e.code())) {
        return Deletion.IN_USE;
      }
      if (GONE.equals(e.code())) {
        return Deletion.DELETED;
      }
      throw e;
    }
    if (Boolean.TRUE.equals(response.getDeleteResult())) {
      return Deletion.DELETED;
    }
    // With IsCheckResource the deletion is asynchronous: a task id, and the certificate goes
    // unless it is bound. One still there is listed again, and retried, on a later call.
    return response.getTaskId() != null && !response.getTaskId().isEmpty()
        ? Deletion.PENDING
        : Deletion.IN_USE;
  }

  private String findTagged(SecretRef secret, String fingerprintTag) throws ClbOperationException {
    for (Certificates certificate : tagged(secret)) {
      if (fingerprintTag.equals(tagValue(certificate, TAG_FINGERPRINT))) {
        return certificate.getCertificateId();
      }
    }
    return null;
  }

  /**
   * Certificates tagged for this cluster and Secret. The tag filter is the API's; each answer is
   * checked here again, because nothing outside these tags may ever be deleted.
   */
  private List<Certificates> tagged(SecretRef secret) throws ClbOperationException {
    String secretTag = secretTagValue(secret);
    List<Certificates> found = new ArrayList<>();
    long offset = 0;
    while (true) {
      DescribeCertificatesRequest request = new DescribeCertificatesRequest();
      request.setTags(new Tags[] {tag(TAG_CLUSTER, clusterName), tag(TAG_SECRET, secretTag)});
      request.setOffset(offset);
      request.setLimit(PAGE);
      DescribeCertificatesResponse page =
          ssl.call("DescribeCertificates", c -> c.DescribeCertificates(request));
      Certificates[] certificates = page.getCertificates();
      if (certificates == null || certificates.length == 0) {
        return found;
      }
      for (Certificates certificate : certificates) {
        if (clusterName.equals(tagValue(certificate, TAG_CLUSTER))
            && secretTag.equals(tagValue(certificate, TAG_SECRET))
            && certificate.getCertificateId() != null) {
          found.add(certificate);
        }
      }
      offset += certificates.length;
      if (page.getTotalCount() == null || offset >= page.getTotalCount()) {
        return found;
      }
    }
  }

  private String upload(SecretRef secret, Material material) throws ClbOperationException {
    UploadCertificateRequest request = new UploadCertificateRequest();
    request.setCertificatePublicKey(material.certPem());
    request.setCertificatePrivateKey(material.keyPem());
    request.setCertificateType("SVR");
    request.setAlias(alias(secret, material.fingerprint()));
    request.setRepeatable(false);
    request.setTags(
        new Tags[] {
          tag(TAG_CLUSTER, clusterName),
          tag(TAG_SECRET, secretTagValue(secret)),
          tag(TAG_FINGERPRINT, fingerprintTag(material.fingerprint()))
        });
    UploadCertificateResponse response;
    try {
      response = ssl.call("UploadCertificate", c -> c.UploadCertificate(request));
    } catch (ClbOperationException e) {
      throw withoutKey(e, material.keyPem());
    }
    String repeat = response.getRepeatCertId();
    String id = repeat != null && !repeat.isEmpty() ? repeat : response.getCertificateId();
    log.info(
        "Secret {}: certificate {} uploaded as {}{}",
        secret,
        fingerprintTag(material.fingerprint()),
        id,
        id.equals(repeat) ? " (the account already held it)" : "");
    return id;
  }

  /**
   * The failure without its cause (the SDK's exception) and with the API's message only when it
   * does not quote the key: an error message echoing a request field must not carry it into a log.
   */
  static ClbOperationException withoutKey(ClbOperationException e, String keyPem) {
    String message =
        e.getCause() != null && e.getCause().getMessage() != null
            ? e.getCause().getMessage()
            : e.getMessage();
    boolean quotesKey =
        keyPem
            .lines()
            .map(String::trim)
            .filter(line -> line.length() >= 16 && !line.startsWith("-----"))
            .anyMatch(message::contains);
    return new ClbOperationException(
        e.action(),
        e.code(),
        quotesKey ? "(the API's message is withheld: it quoted the private key)" : message,
        null);
  }

  /** {@code <namespace>.<name>} (a namespace has no dot, so it reads back unambiguously). */
  static String secretTagValue(SecretRef secret) {
    String value = secret.namespace() + "." + secret.name();
    if (value.length() <= TAG_VALUE_MAX) {
      return value;
    }
    // Too long for a tag: a prefix and a hash of the whole, still unique and stable.
    String hash = sha256Hex(value).substring(0, 16);
    return value.substring(0, TAG_VALUE_MAX - hash.length() - 1) + "-" + hash;
  }

  /** {@code clb-direct-<namespace>-<name>-<first 8 hex of the fingerprint>}, at most 64. */
  static String alias(SecretRef secret, String fingerprint) {
    String suffix = "-" + fingerprint.substring(0, 8);
    String name = "clb-direct-" + secret.namespace() + "-" + secret.name();
    return LoadBalancers.truncate(name, ALIAS_MAX - suffix.length()) + suffix;
  }

  /** The first 32 hex digits (128 bits) of the fingerprint. */
  static String fingerprintTag(String fingerprint) {
    return fingerprint.substring(0, 32);
  }

  private static String tagValue(Certificates certificate, String key) {
    if (certificate.getTags() == null) {
      return null;
    }
    for (Tags tag : certificate.getTags()) {
      if (key.equals(tag.getTagKey())) {
        return tag.getTagValue();
      }
    }
    return null;
  }

  private static Tags tag(String key, String value) {
    Tags tag = new Tags();
    tag.setTagKey(key);
    tag.setTagValue(value);
    return tag;
  }

  private static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
