package io.clbdirect.gate.controller;

import com.tencentcloudapi.clb.v20180317.models.AutoRewriteRequest;
import com.tencentcloudapi.clb.v20180317.models.CreateListenerRequest;
import com.tencentcloudapi.clb.v20180317.models.CreateListenerResponse;
import com.tencentcloudapi.clb.v20180317.models.Listener;
import com.tencentcloudapi.clb.v20180317.models.ModifyDomainAttributesRequest;
import com.tencentcloudapi.clb.v20180317.models.ModifyListenerRequest;
import com.tencentcloudapi.clb.v20180317.models.ModifyRuleRequest;
import com.tencentcloudapi.clb.v20180317.models.RuleOutput;
import com.tencentcloudapi.common.AbstractModel;
import io.clbdirect.gate.clb.ClbOperationException;
import io.clbdirect.gate.clb.IngressLoadBalancers;
import io.clbdirect.gate.clb.ListenerCertificate;
import io.clbdirect.gate.clb.ListenerSettings;
import io.clbdirect.gate.clb.LoadBalancers;
import io.clbdirect.gate.clb.ServiceLoadBalancers;
import io.clbdirect.gate.decide.IngressRoutes;
import io.clbdirect.gate.decide.IngressRoutes.RuleKey;
import io.clbdirect.gate.decide.ListenerPlan;
import io.clbdirect.gate.decide.RuleMixAnnotations;
import io.clbdirect.gate.decide.RulePlan;
import io.clbdirect.gate.decide.ServiceProtocols;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1IngressTLS;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The listeners and rules of one load balancer made to match the frontends placed on it: one
 * DescribeListeners; the missing L4 listeners made a list of ports per CreateListener (the pure
 * {@link ListenerPlan} groups those made alike); TkeServiceConfig drift modified; each Ingress's
 * rules made, deleted and recorded as its {@link RulePlan} says, a releasing Ingress's own rules
 * deleted. Skipped while the frontends, their ports, configs and rules are as they were when last
 * read (and at least every {@link LoadBalancerReconciler#RESYNC}).
 */
final class ListenersAndRules {

  private final LoadBalancers loadBalancers;
  private final IngressLoadBalancers ingressCalls;
  private final FrontendConfigs configs;
  private final FrontendSupport support;
  private final Clock clock;
  private final Map<String, LoadBalancerLayout> layouts = new ConcurrentHashMap<>();

  ListenersAndRules(
      LoadBalancers loadBalancers, FrontendConfigs configs, FrontendSupport support, Clock clock) {
    this.loadBalancers = loadBalancers;
    this.ingressCalls = new IngressLoadBalancers(loadBalancers);
    this.configs = configs;
    this.support = support;
    this.clock = clock;
  }

  void reset() {
    layouts.clear();
  }

  /** Read again next time (an error, or nobody is placed on it any more). */
  void forget(String lbId) {
    layouts.remove(lbId);
  }

  LoadBalancerLayout bringInLine(String lbId, List<ServedFrontend> served)
      throws ClbOperationException, ApiException {
    Map<FrontendKey, TkeServiceConfigInformer.Lookup> configsOf = new HashMap<>();
    StringBuilder inputs = new StringBuilder();
    for (ServedFrontend frontend : served) {
      TkeServiceConfigInformer.Lookup config = configs.forFrontend(frontend.object());
      if (config.problem() == null) {
        support.resolved(frontend.object(), "TkeServiceConfigInvalid");
      } else {
        support.announceOnce(frontend.object(), "TkeServiceConfigInvalid", config.problem());
      }
      configsOf.put(frontend.key(), config);
      inputs
          .append(frontend.key())
          .append('|')
          .append(frontend.releasing())
          .append('|')
          .append(config.version())
          .append('|')
          .append(frontend.placement().vip())
          .append('|');
      if (frontend.object() instanceof V1Service service) {
        ServiceProtocols protocols = ServiceProtocols.of(service);
        for (V1ServicePort p : LoadBalancerReconciler.ports(service)) {
          inputs.append(protocols.protocol(p)).append(p.getPort());
          String secret = protocols.tlsSecret(p.getPort());
          if (secret != null) {
            inputs
                .append('@')
                .append(secret)
                .append('@')
                .append(
                    support.certificates().version(service.getMetadata().getNamespace(), secret));
          }
          inputs.append(',');
        }
      } else {
        V1Ingress ingress = (V1Ingress) frontend.object();
        inputs
            .append(ingress.getMetadata().getGeneration())
            .append('|')
            .append(IngressReconciler.managedRules(ingress))
            .append('|')
            .append(ingressAnnotations(ingress));
        for (String secret : certificateSecrets(ingress)) {
          inputs
              .append(secret)
              .append('@')
              .append(support.certificates().version(ingress.getMetadata().getNamespace(), secret))
              .append(',');
        }
      }
      inputs.append('\n');
    }
    LoadBalancerLayout known = layouts.get(lbId);
    if (known != null
        && known.inputs().equals(inputs.toString())
        && clock.instant().isBefore(known.read().plus(LoadBalancerReconciler.RESYNC))) {
      return known;
    }
    Listener[] present = loadBalancers.listeners(lbId);
    List<ListenerPlan.Wanted> wanted = new ArrayList<>();
    Map<ListenerPlan.Key, TkeServiceConfigInformer.Lookup> settingsOf = new HashMap<>();
    Map<ListenerPlan.Key, ListenerCertificate> certificatesOf = new HashMap<>();
    for (ServedFrontend frontend : served) {
      if (frontend.releasing()) {
        continue;
      }
      TkeServiceConfigInformer.Lookup config = configsOf.get(frontend.key());
      if (frontend.object() instanceof V1Service service) {
        ServiceProtocols protocols = ServiceProtocols.of(service);
        for (V1ServicePort port : LoadBalancerReconciler.ports(service)) {
          ListenerPlan.Key key = new ListenerPlan.Key(protocols.protocol(port), port.getPort());
          CreateListenerRequest template = creationTemplate(key, config.settings());
          if (ServiceProtocols.TCP_SSL.equals(key.protocol())) {
            ListenerCertificate certificate =
                tcpSslCertificate(service, protocols.tlsSecret(port.getPort()));
            if (certificate == null) {
              continue; // said on the Service; the listener waits for its certificate
            }
            certificatesOf.put(key, certificate);
            template.setCertificate(certificate.toInput());
          }
          settingsOf.putIfAbsent(key, config);
          wanted.add(
              new ListenerPlan.Wanted(
                  key,
                  LoadBalancers.truncate(
                      "clb-direct-" + service.getMetadata().getName() + "-" + port.getPort(), 80),
                  AbstractModel.toJsonString(template)));
        }
      } else {
        V1Ingress ingress = (V1Ingress) frontend.object();
        for (IngressRoutes.Scheme scheme :
            listenersWanted(support.routes(ingress, frontend.placement().vip()))) {
          wanted.add(
              new ListenerPlan.Wanted(
                  new ListenerPlan.Key(scheme.protocol(), scheme.port()),
                  LoadBalancers.truncate(
                      "clb-direct-ingress-"
                          + (scheme == IngressRoutes.Scheme.HTTPS ? "https-" : "")
                          + ingress.getMetadata().getName(),
                      80),
                  scheme == IngressRoutes.Scheme.HTTPS ? SNI_ATTRIBUTES : "{}"));
        }
      }
    }
    ListenerPlan plan = ListenerPlan.of(wanted, byKey(present));
    boolean unknownIds = false;
    Map<ListenerPlan.Key, String> createdIds = new HashMap<>();
    for (ListenerPlan.Creation creation : plan.creations()) {
      String[] ids =
          create(
              lbId,
              creation,
              settingsOf.get(creation.keys().get(0)),
              certificatesOf.get(creation.keys().get(0)));
      if (ids != null && ids.length == creation.keys().size()) {
        for (int i = 0; i < ids.length; i++) {
          createdIds.put(
              creation.keys().get(i), ids[i]); // the answer lists them in the order of Ports
        }
      } else {
        unknownIds = true;
      }
    }
    for (Listener listener : present) {
      ListenerPlan.Key key = key(listener);
      if (key != null && plan.existing().containsKey(key) && settingsOf.containsKey(key)) {
        Optional<ModifyListenerRequest> modify =
            settingsOf.get(key).settings().modification(lbId, listener);
        if (modify.isPresent()) {
          loadBalancers
              .gateway()
              .write("ModifyListener", lbId, c -> c.ModifyListener(modify.get()).getRequestId());
        }
      }
      ListenerCertificate certificate = key == null ? null : certificatesOf.get(key);
      if (certificate != null && !certificate.servedBy(listener.getCertificate())) {
        swapListenerCertificate(lbId, listener, certificate);
      }
    }
    served.stream()
        .filter(f -> !f.releasing() && f.object() instanceof V1Service)
        .forEach(f -> tcpSslSwapped((V1Service) f.object(), certificatesOf));
    // Rules need their listener's id and report theirs in a read: read again then, or when an
    // answer did not name the listeners it made.
    boolean l7Created =
        createdIds.keySet().stream()
            .anyMatch(k -> k.protocol().equals("HTTP") || k.protocol().equals("HTTPS"));
    if (unknownIds || l7Created) {
      present = loadBalancers.listeners(lbId);
      createdIds.clear();
    }
    Map<FrontendKey, Set<RuleKey>> recorded = new HashMap<>();
    if (ingressRules(lbId, served, configsOf, present, recorded)) {
      present = loadBalancers.listeners(lbId);
    }
    // Redirects point at HTTPS rules, which must exist (and have been read) first.
    if (redirects(lbId, served, present, recorded)) {
      present = loadBalancers.listeners(lbId);
    }
    Map<RuleKey, String> locationIds = new HashMap<>();
    for (IngressRoutes.Scheme scheme : IngressRoutes.Scheme.values()) {
      IngressLoadBalancers.rules(IngressLoadBalancers.listener(present, scheme), scheme)
          .forEach((rule, output) -> locationIds.put(rule, output.getLocationId()));
    }
    Map<ListenerPlan.Key, String> listeners = byKey(present);
    listeners.putAll(createdIds);
    LoadBalancerLayout layout =
        new LoadBalancerLayout(
            inputs.toString(), Map.copyOf(listeners), Map.copyOf(locationIds), clock.instant());
    layouts.put(lbId, layout);
    return layout;
  }

  /**
   * The request a new listener is made with, less its port and name: listeners made alike share a
   * call.
   */
  private static CreateListenerRequest creationTemplate(
      ListenerPlan.Key key, ListenerSettings settings) {
    CreateListenerRequest request = new CreateListenerRequest();
    request.setProtocol(key.protocol());
    request.setHealthCheck(ServiceLoadBalancers.defaultHealthCheck());
    settings.onCreate(key.protocol(), key.port(), request);
    return request;
  }

  /**
   * @return the ids of the listeners made, in the order of their ports, or null when the answer did
   *     not say
   */
  private String[] create(
      String lbId,
      ListenerPlan.Creation creation,
      TkeServiceConfigInformer.Lookup config,
      ListenerCertificate certificate)
      throws ClbOperationException {
    CreateListenerRequest request;
    if (IngressRoutes.Scheme.HTTP.protocol().equals(creation.protocol())
        || IngressRoutes.Scheme.HTTPS.protocol().equals(creation.protocol())) {
      request =
          new CreateListenerRequest(); // an L7 listener takes no health check: its rules have them
      request.setProtocol(creation.protocol());
      if (IngressRoutes.Scheme.HTTPS.protocol().equals(creation.protocol())) {
        // SNI: each domain's rules carry the domain's certificate, so one listener serves every
        // host with its own.
        request.setSniSwitch(1L);
      }
    } else {
      request =
          creationTemplate(
              creation.keys().get(0), config == null ? ListenerSettings.NONE : config.settings());
      if (certificate != null) {
        // Listeners share a call only when made alike, certificate included.
        request.setCertificate(certificate.toInput());
      }
    }
    request.setLoadBalancerId(lbId);
    request.setPorts(creation.keys().stream().map(k -> (long) k.port()).toArray(Long[]::new));
    request.setListenerNames(creation.names().toArray(String[]::new));
    String[][] ids = new String[1][];
    loadBalancers
        .gateway()
        .write(
            "CreateListener",
            lbId,
            c -> {
              CreateListenerResponse response = c.CreateListener(request);
              ids[0] = response.getListenerIds();
              return response.getRequestId();
            });
    return ids[0];
  }

  /**
   * A TCP_SSL port's certificate, uploaded if need be; null (and said on the Service) while there
   * is none.
   */
  private ListenerCertificate tcpSslCertificate(V1Service service, String secret) {
    if (secret == null) {
      return null; // ServiceProtocols names it
    }
    String namespace = service.getMetadata().getNamespace();
    if (support.certificates().problem(namespace, secret) != null) {
      return null; // ServiceReconciler names it
    }
    try {
      ListenerCertificate certificate = support.certificates().certificate(namespace, secret);
      support.resolved(service, CERTIFICATE_NOT_UPLOADED);
      return certificate;
    } catch (ClbOperationException | RuntimeException e) {
      support.announceOnce(
          service,
          CERTIFICATE_NOT_UPLOADED,
          "the certificate of Secret "
              + namespace
              + "/"
              + secret
              + " could not be made ready: "
              + e.getMessage()
              + "; its TCP_SSL listener waits");
      return null;
    }
  }

  private void swapListenerCertificate(
      String lbId, Listener listener, ListenerCertificate certificate)
      throws ClbOperationException {
    ModifyListenerRequest request = new ModifyListenerRequest();
    request.setLoadBalancerId(lbId);
    request.setListenerId(listener.getListenerId());
    request.setCertificate(certificate.toInput());
    loadBalancers
        .gateway()
        .write("ModifyListener", lbId, c -> c.ModifyListener(request).getRequestId());
  }

  /** A Service's TCP_SSL listeners are served with their Secrets' certificates now. */
  private void tcpSslSwapped(
      V1Service service, Map<ListenerPlan.Key, ListenerCertificate> certificatesOf) {
    ServiceProtocols protocols = ServiceProtocols.of(service);
    for (V1ServicePort port : LoadBalancerReconciler.ports(service)) {
      String secret = protocols.tlsSecret(port.getPort());
      ListenerCertificate certificate =
          certificatesOf.get(new ListenerPlan.Key(protocols.protocol(port), port.getPort()));
      if (secret != null && certificate != null) {
        support.certificates().swapped(service.getMetadata().getNamespace(), secret, certificate);
      }
    }
  }

  /** The HTTPS listener is made with SNI on: certificates go per domain, on the rules. */
  static final String SNI_ATTRIBUTES = "{\"SniSwitch\":1}";

  /** Redirects are permanent, and keep the path, as {@code auto-rewrite} does on TKE. */
  private static final long REDIRECT_CODE = 301L;

  /**
   * The listeners an Ingress needs: those its rules live on, HTTP:80 also for redirects, and
   * HTTP:80 when it has no servable rule at all (it is created and kept, as before HTTPS).
   */
  static Set<IngressRoutes.Scheme> listenersWanted(IngressRoutes routes) {
    Set<IngressRoutes.Scheme> wanted = EnumSet.noneOf(IngressRoutes.Scheme.class);
    routes.routes().forEach(route -> wanted.add(route.rule().scheme()));
    if (!routes.redirects().isEmpty() || wanted.isEmpty()) {
      wanted.add(IngressRoutes.Scheme.HTTP);
    }
    return wanted;
  }

  /** The HTTP rules {@code auto-rewrite} makes: one per HTTPS rule of a redirected domain. */
  static Set<RuleKey> redirectRules(IngressRoutes routes) {
    Set<RuleKey> rules = new TreeSet<>();
    routes.routes().stream()
        .map(IngressRoutes.Route::rule)
        .filter(rule -> routes.redirects().contains(rule.domain()))
        .forEach(
            rule -> rules.add(new RuleKey(IngressRoutes.Scheme.HTTP, rule.domain(), rule.url())));
    return rules;
  }

  /** Domains with some of their redirect rules present and some missing (a path was added). */
  private static Set<String> partlyRedirected(
      Set<RuleKey> redirects, Map<RuleKey, RuleOutput> existing) {
    Map<String, int[]> counts = new HashMap<>();
    for (RuleKey redirect : redirects) {
      int[] count = counts.computeIfAbsent(redirect.domain(), d -> new int[2]);
      count[existing.containsKey(redirect) ? 0 : 1]++;
    }
    Set<String> partly = new TreeSet<>();
    counts.forEach(
        (domain, count) -> {
          if (count[0] > 0 && count[1] > 0) {
            partly.add(domain);
          }
        });
    return partly;
  }

  private static boolean isRedirect(RuleOutput rule) {
    return rule != null
        && rule.getRewriteTarget() != null
        && rule.getRewriteTarget().getTargetLocationId() != null
        && !rule.getRewriteTarget().getTargetLocationId().isEmpty();
  }

  /** The Secrets an Ingress's {@code spec.tls} names, in order. */
  private static Set<String> certificateSecrets(V1Ingress ingress) {
    Set<String> secrets = new TreeSet<>();
    if (ingress.getSpec() != null && ingress.getSpec().getTls() != null) {
      ingress.getSpec().getTls().stream()
          .map(V1IngressTLS::getSecretName)
          .filter(name -> name != null && !name.isBlank())
          .forEach(secrets::add);
    }
    return secrets;
  }

  /** The annotations that change an Ingress's rules without changing its generation. */
  private static String ingressAnnotations(V1Ingress ingress) {
    Map<String, String> annotations =
        ingress.getMetadata().getAnnotations() == null
            ? Map.of()
            : ingress.getMetadata().getAnnotations();
    StringBuilder text = new StringBuilder();
    for (String key :
        List.of(
            RuleMixAnnotations.RULE_MIX,
            RuleMixAnnotations.HTTP_RULES,
            RuleMixAnnotations.HTTPS_RULES,
            IngressRoutes.AUTO_REWRITE)) {
      text.append(annotations.getOrDefault(key, "")).append('|');
    }
    return text.toString();
  }

  private static Map<RuleKey, RuleOutput> existingRules(
      Map<IngressRoutes.Scheme, Listener> listeners) {
    Map<RuleKey, RuleOutput> existing = new HashMap<>();
    listeners.forEach(
        (scheme, listener) -> existing.putAll(IngressLoadBalancers.rules(listener, scheme)));
    return existing;
  }

  private static Map<IngressRoutes.Scheme, Listener> ingressListeners(Listener[] present) {
    Map<IngressRoutes.Scheme, Listener> listeners = new EnumMap<>(IngressRoutes.Scheme.class);
    for (IngressRoutes.Scheme scheme : IngressRoutes.Scheme.values()) {
      Listener listener = IngressLoadBalancers.listener(present, scheme);
      if (listener != null) {
        listeners.put(scheme, listener);
      }
    }
    return listeners;
  }

  /**
   * Each Ingress's rules on the HTTP:80 and HTTPS:443 listeners made to match it, HTTPS domains
   * served with their certificates; a releasing Ingress's own rules deleted. Redirect rules are
   * recorded here and made by {@link #redirects} once the HTTPS rules they point at exist.
   *
   * @param recorded filled with what each Ingress's managed rules were recorded as (the informer's
   *     copy may not show it yet)
   * @return whether rules were created or deleted (the listeners must be read again for their ids)
   */
  private boolean ingressRules(
      String lbId,
      List<ServedFrontend> served,
      Map<FrontendKey, TkeServiceConfigInformer.Lookup> configsOf,
      Listener[] present,
      Map<FrontendKey, Set<RuleKey>> recorded)
      throws ClbOperationException, ApiException {
    Map<IngressRoutes.Scheme, Listener> listeners = ingressListeners(present);
    if (listeners.isEmpty()) {
      return false;
    }
    boolean changed = false;
    for (ServedFrontend frontend : served) {
      if (!(frontend.object() instanceof V1Ingress ingress)) {
        continue;
      }
      String vip = frontend.placement().vip();
      Map<RuleKey, RuleOutput> existing = existingRules(listeners);
      Set<RuleKey> managed = IngressReconciler.managedRules(ingress);
      if (frontend.releasing()) {
        Set<RuleKey> obsolete = new TreeSet<>(managed);
        obsolete.retainAll(existing.keySet());
        deleteRules(lbId, listeners, existing, obsolete);
        changed |= !obsolete.isEmpty();
        continue;
      }
      ListenerSettings settings = configsOf.get(frontend.key()).settings();
      IngressRoutes routes = support.routes(ingress, vip);
      Map<String, ListenerCertificate> certificates = certificates(ingress, routes);
      Set<RuleKey> wantedRules = new LinkedHashSet<>();
      Set<RuleKey> creatable = new TreeSet<>();
      for (IngressRoutes.Route route : routes.routes()) {
        RuleKey rule = route.rule();
        if (!listeners.containsKey(rule.scheme())) {
          continue; // made once the listener exists
        }
        wantedRules.add(rule);
        if (rule.scheme() == IngressRoutes.Scheme.HTTP || certificates.containsKey(rule.domain())) {
          creatable.add(rule);
        }
      }
      Set<RuleKey> planManaged = new TreeSet<>(managed);
      Set<String> partlyRedirected = partlyRedirected(redirectRules(routes), existing);
      for (RuleKey redirect : redirectRules(routes)) {
        if (partlyRedirected.contains(redirect.domain())) {
          // AutoRewrite works per domain and refuses a rule that already redirects: the domain's
          // redirects are deleted and made again, whole, by the next AutoRewrite.
          continue;
        }
        RuleOutput now = existing.get(redirect);
        if (now == null || isRedirect(now)) {
          // A redirect of this Ingress's own HTTPS rule is this Ingress's, recorded or not.
          wantedRules.add(redirect);
          if (now != null) {
            planManaged.add(redirect);
          }
        } // else an HTTP rule serves it: deleted when ours, and the redirect made next time
      }
      RulePlan plan = RulePlan.of(wantedRules, existing.keySet(), planManaged);
      support
          .writer()
          .annotate(
              ingress,
              Map.of(
                  IngressReconciler.MANAGED_RULES_ANNOTATION,
                  IngressReconciler.format(plan.managedDuring())));
      Listener https = listeners.get(IngressRoutes.Scheme.HTTPS);
      if (https != null) {
        changed |= swapCertificates(lbId, https, ingress, routes, existing, certificates);
      }
      // Redirects first out, HTTPS rules last: an HTTP rule may redirect to an HTTPS one.
      deleteRules(lbId, listeners, existing, plan.delete());
      for (IngressRoutes.Scheme scheme : IngressRoutes.Scheme.values()) {
        List<RuleKey> create =
            plan.create().stream()
                .filter(rule -> rule.scheme() == scheme && creatable.contains(rule))
                .sorted()
                .toList();
        if (!create.isEmpty()) {
          ingressCalls.createRules(
              lbId, listeners.get(scheme), vip, create, settings, certificates::get);
          changed = true;
        }
      }
      for (RuleKey rule : wantedRules) {
        RuleOutput now = existing.get(rule);
        if (now != null && !isRedirect(now)) {
          Optional<ModifyRuleRequest> modify =
              settings.modification(lbId, vip, listeners.get(rule.scheme()), now);
          if (modify.isPresent()) {
            loadBalancers
                .gateway()
                .write("ModifyRule", lbId, c -> c.ModifyRule(modify.get()).getRequestId());
          }
        }
      }
      support
          .writer()
          .annotate(
              ingress,
              Map.of(
                  IngressReconciler.MANAGED_RULES_ANNOTATION,
                  IngressReconciler.format(plan.managedAfter())));
      recorded.put(frontend.key(), plan.managedAfter());
      changed |= !plan.delete().isEmpty();
    }
    return changed;
  }

  /**
   * The certificate of every HTTPS domain of the Ingress, uploading a {@code kubernetes.io/tls}
   * Secret's when needed. A domain whose upload fails is left out (its rules wait), and said.
   */
  private Map<String, ListenerCertificate> certificates(V1Ingress ingress, IngressRoutes routes) {
    String namespace = ingress.getMetadata().getNamespace();
    Map<String, ListenerCertificate> bySecret = new HashMap<>();
    Map<String, ListenerCertificate> byDomain = new HashMap<>();
    List<String> failures = new ArrayList<>();
    for (IngressRoutes.Route route : routes.routes()) {
      String secret = route.tlsSecret();
      if (secret == null || byDomain.containsKey(route.rule().domain())) {
        continue;
      }
      ListenerCertificate certificate = bySecret.get(secret);
      if (certificate == null && !failures.contains(secret)) {
        try {
          certificate = support.certificates().certificate(namespace, secret);
          bySecret.put(secret, certificate);
        } catch (ClbOperationException | RuntimeException e) {
          failures.add(secret);
          support.announceOnce(
              ingress,
              CERTIFICATE_NOT_UPLOADED,
              "the certificate of Secret "
                  + namespace
                  + "/"
                  + secret
                  + " could not be made ready: "
                  + e.getMessage()
                  + "; its hosts wait");
        }
      }
      if (certificate != null) {
        byDomain.put(route.rule().domain(), certificate);
      }
    }
    if (failures.isEmpty()) {
      support.resolved(ingress, CERTIFICATE_NOT_UPLOADED);
    }
    return byDomain;
  }

  /** The Warning Event for a certificate that could not be uploaded. */
  static final String CERTIFICATE_NOT_UPLOADED = "CertificateNotUploaded";

  /**
   * Serves each HTTPS domain the Ingress has rules on with its certificate (a renewed Secret, an
   * edited {@code spec.tls}): one ModifyDomainAttributes per domain served with another. New
   * connections get the new certificate; established ones keep theirs.
   *
   * @return whether a certificate was swapped
   */
  private boolean swapCertificates(
      String lbId,
      Listener https,
      V1Ingress ingress,
      IngressRoutes routes,
      Map<RuleKey, RuleOutput> existing,
      Map<String, ListenerCertificate> certificates)
      throws ClbOperationException {
    Map<String, String> secretOfDomain = new HashMap<>();
    routes.routes().stream()
        .filter(route -> route.tlsSecret() != null)
        .forEach(route -> secretOfDomain.putIfAbsent(route.rule().domain(), route.tlsSecret()));
    Set<String> swappedDomains = new TreeSet<>();
    for (Map.Entry<RuleKey, RuleOutput> rule : existing.entrySet()) {
      String domain = rule.getKey().domain();
      ListenerCertificate wanted = certificates.get(domain);
      if (rule.getKey().scheme() != IngressRoutes.Scheme.HTTPS
          || wanted == null
          || swappedDomains.contains(domain)
          || wanted.servedBy(rule.getValue().getCertificate())) {
        continue;
      }
      ModifyDomainAttributesRequest request = new ModifyDomainAttributesRequest();
      request.setLoadBalancerId(lbId);
      request.setListenerId(https.getListenerId());
      request.setDomain(domain);
      request.setCertificate(wanted.toInput());
      loadBalancers
          .gateway()
          .write(
              "ModifyDomainAttributes",
              lbId,
              c -> c.ModifyDomainAttributes(request).getRequestId());
      swappedDomains.add(domain);
    }
    String namespace = ingress.getMetadata().getNamespace();
    Set<String> secrets = new TreeSet<>();
    secretOfDomain.forEach(
        (domain, secret) -> {
          if (certificates.containsKey(domain)) {
            secrets.add(secret);
          }
        });
    for (String secret : secrets) {
      // Every domain of the Secret is served with its current certificate now (or was already):
      // earlier uploads nothing uses may go.
      ListenerCertificate current =
          certificates.get(
              secretOfDomain.entrySet().stream()
                  .filter(e -> e.getValue().equals(secret))
                  .findFirst()
                  .orElseThrow()
                  .getKey());
      support.certificates().swapped(namespace, secret, current);
    }
    return !swappedDomains.isEmpty();
  }

  private void deleteRules(
      String lbId,
      Map<IngressRoutes.Scheme, Listener> listeners,
      Map<RuleKey, RuleOutput> existing,
      Set<RuleKey> rules)
      throws ClbOperationException {
    for (IngressRoutes.Scheme scheme : IngressRoutes.Scheme.values()) {
      List<String> locationIds =
          rules.stream()
              .filter(rule -> rule.scheme() == scheme && existing.containsKey(rule))
              .map(rule -> existing.get(rule).getLocationId())
              .toList();
      if (!locationIds.isEmpty()) {
        ingressCalls.deleteRules(lbId, listeners.get(scheme), locationIds);
      }
    }
  }

  /**
   * The HTTP:80 redirects of {@code auto-rewrite}: one AutoRewrite per load balancer for the
   * domains whose HTTPS rules exist and that have no HTTP rule yet. Recorded as the Ingress's own
   * before the call, as rules are.
   *
   * @return whether redirects were made
   */
  private boolean redirects(
      String lbId,
      List<ServedFrontend> served,
      Listener[] present,
      Map<FrontendKey, Set<RuleKey>> recorded)
      throws ClbOperationException, ApiException {
    Map<IngressRoutes.Scheme, Listener> listeners = ingressListeners(present);
    Listener https = listeners.get(IngressRoutes.Scheme.HTTPS);
    if (https == null || !listeners.containsKey(IngressRoutes.Scheme.HTTP)) {
      return false;
    }
    Map<RuleKey, RuleOutput> existing = existingRules(listeners);
    Set<String> httpDomains = new HashSet<>();
    Set<String> httpsDomains = new HashSet<>();
    existing
        .keySet()
        .forEach(
            rule ->
                (rule.scheme() == IngressRoutes.Scheme.HTTP ? httpDomains : httpsDomains)
                    .add(rule.domain()));
    Set<String> domains = new TreeSet<>();
    for (ServedFrontend frontend : served) {
      if (frontend.releasing() || !(frontend.object() instanceof V1Ingress ingress)) {
        continue;
      }
      IngressRoutes routes = support.routes(ingress, frontend.placement().vip());
      Set<RuleKey> mine = new TreeSet<>();
      for (RuleKey redirect : redirectRules(routes)) {
        if (!httpDomains.contains(redirect.domain()) && httpsDomains.contains(redirect.domain())) {
          domains.add(redirect.domain());
          mine.add(redirect);
        }
      }
      if (!mine.isEmpty()) {
        Set<RuleKey> record =
            new TreeSet<>(
                recorded.getOrDefault(frontend.key(), IngressReconciler.managedRules(ingress)));
        record.addAll(mine);
        support
            .writer()
            .annotate(
                ingress,
                Map.of(
                    IngressReconciler.MANAGED_RULES_ANNOTATION, IngressReconciler.format(record)));
      }
    }
    if (domains.isEmpty()) {
      return false;
    }
    AutoRewriteRequest request = new AutoRewriteRequest();
    request.setLoadBalancerId(lbId);
    request.setListenerId(https.getListenerId());
    request.setDomains(domains.toArray(String[]::new));
    request.setRewriteCodes(domains.stream().map(d -> REDIRECT_CODE).toArray(Long[]::new));
    request.setTakeUrls(domains.stream().map(d -> Boolean.TRUE).toArray(Boolean[]::new));
    loadBalancers.gateway().write("AutoRewrite", lbId, c -> c.AutoRewrite(request).getRequestId());
    return true;
  }

  private static Map<ListenerPlan.Key, String> byKey(Listener[] listeners) {
    Map<ListenerPlan.Key, String> byKey = new HashMap<>();
    for (Listener listener : listeners) {
      ListenerPlan.Key key = key(listener);
      if (key != null) {
        byKey.put(key, listener.getListenerId());
      }
    }
    return byKey;
  }

  private static ListenerPlan.Key key(Listener listener) {
    return listener.getProtocol() == null || listener.getPort() == null
        ? null
        : new ListenerPlan.Key(listener.getProtocol(), listener.getPort().intValue());
  }
}
