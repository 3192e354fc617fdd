package io.clbdirect.emulator.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.clbdirect.emulator.certs.CertificateStore;
import io.clbdirect.emulator.certs.CertificateUpload;
import io.clbdirect.emulator.certs.StoredCertificate;
import io.clbdirect.emulator.model.ClbState;
import io.clbdirect.emulator.model.Listener;
import io.clbdirect.emulator.model.ListenerCertificate;
import io.clbdirect.emulator.model.LoadBalancer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The SSL certificate API (product ssl, version 2019-12-05) the CLB listeners draw their
 * certificates from: UploadCertificate, DescribeCertificates, DeleteCertificate. It is served on
 * the CLB API's port, chosen by the request's version, because the SDK derives the TC3 service from
 * the endpoint (so any endpoint works once the service is read from the credential scope) and one
 * port keeps tests simple. Private keys are never answered nor logged. Choices where the reference
 * is silent are marked "choice:" and listed in docs/clb-emulator.md.
 */
public final class SslApi {

  public static final String VERSION = "2019-12-05";

  /** The reference: "时区为GMT+8:00" for every time it reports. */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.ofHours(8));

  private static final Set<String> USES = Set.of("CLB", "CDN", "WAF", "LIVE", "DDOS");

  private final ClbState state;
  private final Map<String, BiFunction<Params, String, JsonObject>> actions = new LinkedHashMap<>();

  public SslApi(ClbState state) {
    this.state = state;
    actions.put("UploadCertificate", this::upload);
    actions.put("DescribeCertificates", this::describe);
    actions.put("DeleteCertificate", this::delete);
  }

  boolean knows(String action) {
    return actions.containsKey(action);
  }

  Set<String> actions() {
    return actions.keySet();
  }

  JsonObject call(String action, JsonObject body, String requestId) {
    RequestFields.check(action, body);
    return state.locked(() -> actions.get(action).apply(new Params(body), requestId));
  }

  private CertificateStore store() {
    return state.certificates();
  }

  private JsonObject upload(Params p, String requestId) {
    String type = p.has("CertificateType") ? p.optString("CertificateType") : "SVR";
    if (!type.equals(StoredCertificate.SVR) && !type.equals(StoredCertificate.CA)) {
      throw new ApiError(
          "InvalidParameterValue", "`CertificateType` must be SVR or CA, got " + type + ".");
    }
    String use = p.optString("CertificateUse");
    if (use != null && !USES.contains(use)) {
      throw new ApiError(
          "InvalidParameterValue",
          "`CertificateUse` must be one of CLB, CDN, WAF, LIVE, DDOS, got " + use + ".");
    }
    Integer project = p.optInt("ProjectId");
    if (project != null && project < 0) {
      throw new ApiError("InvalidParameterValue", "`ProjectId` must be 0 or more.");
    }
    StoredCertificate certificate =
        CertificateUpload.build(
            store().newId(),
            type,
            p.string("CertificatePublicKey"),
            "CertificatePublicKey",
            p.optString("CertificatePrivateKey"),
            "CertificatePrivateKey",
            p.optString("Alias"),
            project == null ? 0 : project,
            use,
            tags(p),
            state.clock().instant());
    JsonObject response = new JsonObject();
    Boolean repeatable = p.optBoolean("Repeatable");
    StoredCertificate same =
        Boolean.FALSE.equals(repeatable)
            ? store().sameContent(type, certificate.fingerprint())
            : null;
    if (same != null) {
      // choice: the existing certificate is the answer, in CertificateId as in RepeatCertId, so a
      // client reading only CertificateId still gets a usable id; nothing is stored.
      response.addProperty("CertificateId", same.certificateId());
      response.addProperty("RepeatCertId", same.certificateId());
      return response;
    }
    store().put(certificate);
    response.addProperty("CertificateId", certificate.certificateId());
    return response;
  }

  private static Map<String, String> tags(Params p) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (Params tag : p.objects("Tags")) {
      tags.put(tag.string("TagKey"), tag.string("TagValue"));
    }
    return tags;
  }

  /**
   * Newest first (the reference: "默认按照证书申请时间降序"), or by end time with ExpirationSort. Filters
   * combine with AND.
   */
  private JsonObject describe(Params p, String requestId) {
    Integer offset = p.optInt("Offset");
    Integer limit = p.optInt("Limit");
    if ((offset != null && offset < 0) || (limit != null && limit < 0)) {
      throw new ApiError("InvalidParameterValue", "`Offset` and `Limit` must be 0 or more.");
    }
    // The reference: Limit defaults to 10, "最大值1000，如超过1000按1000处理".
    int size = limit == null ? 10 : Math.min(limit, 1000);
    String searchKey = p.optString("SearchKey");
    String type = p.optString("CertificateType");
    if (type != null && !type.equals("SVR") && !type.equals("CA")) {
      throw new ApiError(
          "InvalidParameterValue", "`CertificateType` must be SVR or CA, got " + type + ".");
    }
    Integer project = p.optInt("ProjectId");
    Map<String, String> tags = tags(p);
    List<String> ids = p.strings("CertIds");
    List<Integer> statuses = p.ints("CertificateStatus");
    String source = p.optString("FilterSource");
    if (source != null && !source.equals("upload") && !source.equals("buy")) {
      throw new ApiError(
          "InvalidParameterValue", "`FilterSource` must be upload or buy, got " + source + ".");
    }
    String sort = p.optString("ExpirationSort");
    if (sort != null && !sort.equals("ASC") && !sort.equals("DESC")) {
      throw new ApiError(
          "InvalidParameterValue", "`ExpirationSort` must be ASC or DESC, got " + sort + ".");
    }
    Instant now = state.clock().instant();
    List<StoredCertificate> matching = new ArrayList<>();
    for (StoredCertificate c : store().all()) {
      boolean shown =
          (searchKey == null
                  || c.certificateId().contains(searchKey)
                  || c.alias().contains(searchKey)
                  || c.subjectAltNames().stream().anyMatch(d -> d.contains(searchKey)))
              && (type == null || type.equals(c.type()))
              && (project == null || project == c.projectId())
              && tags.entrySet().stream()
                  .allMatch(t -> t.getValue().equals(c.tags().get(t.getKey())))
              && (ids.isEmpty() || ids.contains(c.certificateId()))
              && (statuses.isEmpty() || statuses.contains(status(c, now)))
              // every certificate here was uploaded: none was bought
              && !"buy".equals(source);
      if (shown) {
        matching.add(c);
      }
    }
    Comparator<StoredCertificate> order =
        sort == null
            ? Comparator.comparing(StoredCertificate::insertTime).reversed()
            : Comparator.comparing((StoredCertificate c) -> c.leaf().getNotAfter());
    if ("DESC".equals(sort)) {
      order = order.reversed();
    }
    matching.sort(order);
    JsonArray page = new JsonArray();
    int from = offset == null ? 0 : offset;
    for (int i = from; i < matching.size() && i < from + size; i++) {
      page.add(view(matching.get(i), now));
    }
    JsonObject response = new JsonObject();
    response.addProperty("TotalCount", matching.size());
    response.add("Certificates", page);
    return response;
  }

  /** The reference's Status: 1 (已通过, issued) while valid, 3 (已过期) once expired. */
  private static int status(StoredCertificate c, Instant now) {
    return c.leaf().getNotAfter().toInstant().isBefore(now) ? 3 : 1;
  }

  /** A Certificates entry; never the private key. */
  private static JsonObject view(StoredCertificate c, Instant now) {
    JsonObject json = new JsonObject();
    json.addProperty("CertificateId", c.certificateId());
    json.addProperty("Alias", c.alias());
    json.addProperty("Domain", c.domain());
    json.add("SubjectAltName", Views.strings(c.subjectAltNames().toArray(String[]::new)));
    json.addProperty("CertificateType", c.type());
    json.addProperty("ProjectId", String.valueOf(c.projectId()));
    json.addProperty("From", "upload");
    json.addProperty("Status", status(c, now));
    json.addProperty("CertBeginTime", TIME.format(c.leaf().getNotBefore().toInstant()));
    json.addProperty("CertEndTime", TIME.format(c.leaf().getNotAfter().toInstant()));
    json.addProperty("InsertTime", TIME.format(c.insertTime()));
    json.addProperty("IsWildcard", c.domain().startsWith("*."));
    json.addProperty("Deployable", c.type().equals("SVR"));
    json.addProperty("EncryptAlgorithm", c.leaf().getPublicKey().getAlgorithm());
    JsonArray tags = new JsonArray();
    c.tags()
        .forEach(
            (key, value) -> {
              JsonObject tag = new JsonObject();
              tag.addProperty("TagKey", key);
              tag.addProperty("TagValue", value);
              tags.add(tag);
            });
    json.add("Tags", tags);
    return json;
  }

  private JsonObject delete(Params p, String requestId) {
    String id = p.string("CertificateId");
    if (store().get(id) == null) {
      throw new ApiError(
          "FailedOperation.CertificateNotFound", "Certificate " + id + " not found.");
    }
    if (Boolean.TRUE.equals(p.optBoolean("IsCheckResource"))) {
      Set<String> users = users(id);
      if (!users.isEmpty()) {
        // choice: refused at once with the code the SDK documents as "证书已关联云资源，无法删除",
        // rather than the real asynchronous task (TaskId + DescribeDeleteCertificatesTaskResult).
        throw new ApiError(
            "FailedOperation.DeleteResourceFailed",
            "Certificate " + id + " is used by " + String.join(", ", users) + ".");
      }
    }
    // choice: without the check the certificate goes; listeners keep serving the copy they hold.
    store().remove(id);
    JsonObject response = new JsonObject();
    response.addProperty("DeleteResult", true);
    return response;
  }

  /** The CLB listeners and domains that use certificate {@code id}, as lb/listener[/domain]. */
  private Set<String> users(String id) {
    Set<String> users = new LinkedHashSet<>();
    for (LoadBalancer lb : state.loadBalancers().values()) {
      for (Listener listener : lb.listeners().values()) {
        String where = lb.loadBalancerId() + "/" + listener.listenerId();
        if (uses(listener.certificate(), id)) {
          users.add(where);
        }
        listener
            .domainCertificates()
            .forEach(
                (domain, certificate) -> {
                  if (uses(certificate, id)) {
                    users.add(where + "/" + domain);
                  }
                });
      }
    }
    return users;
  }

  private static boolean uses(ListenerCertificate certificate, String id) {
    return certificate != null
        && (id.equals(certificate.server().certificateId())
            || (certificate.ca() != null && id.equals(certificate.ca().certificateId())));
  }
}
