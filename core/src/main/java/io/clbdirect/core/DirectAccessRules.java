package io.clbdirect.core;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.kubernetes.client.openapi.models.V1HTTPIngressPath;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1IngressBackend;
import io.kubernetes.client.openapi.models.V1IngressRule;
import io.kubernetes.client.openapi.models.V1IngressSpec;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** Which Services and Ingresses ask for direct access and are clb-direct's to serve. Pure. */
public final class DirectAccessRules {

  private final ControllerScope scope;

  public DirectAccessRules(ControllerScope scope) {
    this.scope = scope;
  }

  public ControllerScope scope() {
    return scope;
  }

  /** A LoadBalancer Service annotated for direct access, of a class clb-direct serves. */
  public boolean isDirectAccessService(V1Service service) {
    return classify(service).directAccess();
  }

  /** An Ingress annotated for direct access, of a class clb-direct serves. */
  public boolean isDirectAccessIngress(V1Ingress ingress) {
    return classify(ingress).directAccess();
  }

  /**
   * What a Service asks of clb-direct. A Service of another {@code spec.loadBalancerClass} is
   * another controller's and never clb-direct's to judge; otherwise the annotation must read {@code
   * "true"} or {@code "false"} (any letter case), and direct access needs {@code type:
   * LoadBalancer}.
   */
  public DirectAccessRequest classify(V1Service service) {
    if (service == null || service.getSpec() == null || service.getMetadata() == null) {
      return DirectAccessRequest.NOT_REQUESTED;
    }
    String value =
        annotation(service.getMetadata().getAnnotations(), WellKnown.SERVICE_DIRECT_ACCESS);
    if (value == null
        || !scope.ownsLoadBalancerClass(service.getSpec().getLoadBalancerClass())
        || isFalse(value)) {
      return DirectAccessRequest.NOT_REQUESTED;
    }
    if (!isTrue(value)) {
      return DirectAccessRequest.unservable(
          DirectAccessRequest.Problem.INVALID_VALUE,
          invalidValue(WellKnown.SERVICE_DIRECT_ACCESS, value, "Service"));
    }
    String type = service.getSpec().getType() == null ? "ClusterIP" : service.getSpec().getType();
    if (!"LoadBalancer".equals(type)) {
      return DirectAccessRequest.unservable(
          DirectAccessRequest.Problem.UNSUPPORTED_SERVICE_TYPE,
          WellKnown.SERVICE_DIRECT_ACCESS
              + " is \"true\" on a Service of type "
              + type
              + ", but only a Service of type LoadBalancer gets a load balancer; "
              + "change the type to LoadBalancer or remove the annotation. Nothing is bound");
    }
    return DirectAccessRequest.DIRECT_ACCESS;
  }

  /**
   * What an Ingress asks of clb-direct: the annotation must read {@code "true"} or {@code "false"},
   * and an Ingress asking for direct access must be of a class clb-direct serves.
   */
  public DirectAccessRequest classify(V1Ingress ingress) {
    if (ingress == null || ingress.getMetadata() == null) {
      return DirectAccessRequest.NOT_REQUESTED;
    }
    String value =
        annotation(ingress.getMetadata().getAnnotations(), WellKnown.INGRESS_DIRECT_ACCESS);
    if (value == null || isFalse(value)) {
      return DirectAccessRequest.NOT_REQUESTED;
    }
    if (!isTrue(value)) {
      return DirectAccessRequest.unservable(
          DirectAccessRequest.Problem.INVALID_VALUE,
          invalidValue(WellKnown.INGRESS_DIRECT_ACCESS, value, "Ingress"));
    }
    String ingressClass = ingressClassOf(ingress);
    if (!scope.ownsIngressClass(ingressClass)) {
      String which =
          ingressClass == null || ingressClass.isEmpty()
              ? "this Ingress has no class and clb-direct.claim-classless-ingresses is false"
              : "this Ingress is of class "
                  + ingressClass
                  + " and clb-direct serves "
                  + new TreeSet<>(scope.ingressClasses())
                  + " (clb-direct.ingress-classes)";
      return DirectAccessRequest.unservable(
          DirectAccessRequest.Problem.INGRESS_CLASS_NOT_SERVED,
          WellKnown.INGRESS_DIRECT_ACCESS
              + " is \"true\", but "
              + which
              + "; set spec.ingressClassName to a class clb-direct serves, or remove the annotation "
              + "if another controller serves this Ingress. clb-direct binds nothing for it");
    }
    return DirectAccessRequest.DIRECT_ACCESS;
  }

  private static String invalidValue(String key, String value, String kind) {
    return key
        + " is \""
        + value
        + "\", expected \"true\" or \"false\"; the "
        + kind
        + " is not direct-access until it is "
        + "\"true\". Nothing is bound";
  }

  private static String annotation(Map<String, String> annotations, String key) {
    return annotations == null ? null : annotations.get(key);
  }

  private static boolean isTrue(String value) {
    return value.trim().equalsIgnoreCase("true");
  }

  private static boolean isFalse(String value) {
    return value.trim().equalsIgnoreCase("false");
  }

  /** {@code spec.ingressClassName}, else the legacy annotation, else null. */
  public static String ingressClassOf(V1Ingress ingress) {
    if (ingress.getSpec() != null && ingress.getSpec().getIngressClassName() != null) {
      return ingress.getSpec().getIngressClassName();
    }
    Map<String, String> annotations = ingress.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(WellKnown.INGRESS_CLASS_ANNOTATION);
  }

  /**
   * Names of the Services an Ingress sends traffic to: its default backend and every rule path.
   * Resource backends (not Services) are ignored. Sorted, so callers see a stable order.
   */
  public static Set<String> backendServiceNames(V1Ingress ingress) {
    Set<String> names = new TreeSet<>();
    ruleMixServiceNames(ingress, names);
    V1IngressSpec spec = ingress.getSpec();
    if (spec == null) {
      return names;
    }
    addServiceName(spec.getDefaultBackend(), names);
    if (spec.getRules() != null) {
      for (V1IngressRule rule : spec.getRules()) {
        if (rule.getHttp() == null || rule.getHttp().getPaths() == null) {
          continue;
        }
        for (V1HTTPIngressPath path : rule.getHttp().getPaths()) {
          addServiceName(path.getBackend(), names);
        }
      }
    }
    return names;
  }

  /**
   * Under TKE's {@code kubernetes.io/ingress.rule-mix: "true"} the rules (and so the backends) are
   * the JSON arrays of {@code kubernetes.io/ingress.http-rules} and {@code
   * kubernetes.io/ingress.https-rules}: {@code [{host, path, backend: {serviceName,
   * servicePort}}]}. Read leniently here (what cannot be read names no backend); the
   * gate-controller reports it.
   */
  private static void ruleMixServiceNames(V1Ingress ingress, Set<String> names) {
    Map<String, String> annotations =
        ingress.getMetadata() == null ? null : ingress.getMetadata().getAnnotations();
    if (annotations == null || !"true".equalsIgnoreCase(annotations.get(RULE_MIX))) {
      return;
    }
    for (String key : List.of(HTTP_RULES, HTTPS_RULES)) {
      String text = annotations.get(key);
      if (text == null || text.isBlank()) {
        continue;
      }
      try {
        JsonElement parsed = JsonParser.parseString(text);
        if (!parsed.isJsonArray()) {
          continue;
        }
        for (JsonElement entry : parsed.getAsJsonArray()) {
          if (entry.isJsonObject()
              && entry.getAsJsonObject().get("backend") instanceof JsonObject backend
              && backend.get("serviceName") instanceof JsonPrimitive name
              && !name.getAsString().isBlank()) {
            names.add(name.getAsString().trim());
          }
        }
      } catch (RuntimeException unreadable) {
        // named by the gate-controller's Event; no backend here
      }
    }
  }

  /** TKE's mixed HTTP and HTTPS rules, read by {@link #backendServiceNames}. */
  public static final String RULE_MIX = "kubernetes.io/ingress.rule-mix";

  public static final String HTTP_RULES = "kubernetes.io/ingress.http-rules";
  public static final String HTTPS_RULES = "kubernetes.io/ingress.https-rules";

  private static void addServiceName(V1IngressBackend backend, Set<String> names) {
    if (backend != null && backend.getService() != null && backend.getService().getName() != null) {
      names.add(backend.getService().getName());
    }
  }

  /**
   * The direct-access frontends of one namespace.
   *
   * @param services candidate Services of the namespace (non-direct-access ones are filtered out)
   * @param ingresses candidate Ingresses of the namespace (likewise)
   * @param serviceByName looks up any Service of the namespace by name (Ingress backends need not
   *     be direct-access Services themselves); returns null when there is none
   */
  public List<DirectAccessFrontend> frontends(
      Collection<V1Service> services,
      Collection<V1Ingress> ingresses,
      Function<String, V1Service> serviceByName) {
    List<DirectAccessFrontend> frontends = new ArrayList<>();
    for (V1Service service : services) {
      if (isDirectAccessService(service)) {
        String name = service.getMetadata().getName();
        frontends.add(
            new DirectAccessFrontend(
                DirectAccessFrontend.Kind.SERVICE, name, name, service.getSpec().getSelector()));
      }
    }
    for (V1Ingress ingress : ingresses) {
      if (!isDirectAccessIngress(ingress)) {
        continue;
      }
      for (String serviceName : backendServiceNames(ingress)) {
        V1Service backend = serviceByName.apply(serviceName);
        if (backend != null && backend.getSpec() != null) {
          frontends.add(
              new DirectAccessFrontend(
                  DirectAccessFrontend.Kind.INGRESS,
                  ingress.getMetadata().getName(),
                  serviceName,
                  backend.getSpec().getSelector()));
        }
      }
    }
    frontends.sort(
        java.util.Comparator.comparing(DirectAccessFrontend::kind)
            .thenComparing(DirectAccessFrontend::name)
            .thenComparing(DirectAccessFrontend::serviceName));
    return frontends;
  }
}
