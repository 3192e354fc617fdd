package io.clbdirect.gate.controller;

import io.clbdirect.core.DirectAccessRules;
import io.clbdirect.core.LabelSelectors;
import io.clbdirect.gate.decide.PodChange;
import io.clbdirect.gate.decide.ServiceProtocols;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.cache.Caches;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Watch events to work: a Service or Ingress change queues that frontend (and the Ingresses using a
 * changed Service); a Pod change queues only the load balancers of the frontends that select it,
 * before or after the change. Events that change nothing the controller reads — status-only updates
 * of frontends (its own VIP writes), Pod updates {@link PodChange} calls irrelevant (its own gate
 * patches) — are dropped.
 */
final class Triggers {

  private final SharedIndexInformer<V1Service> services;
  private final SharedIndexInformer<V1Ingress> ingresses;
  private final DirectAccessRules rules;
  private final Placements placements;
  private final Consumer<FrontendKey> frontend;
  private final Consumer<String> loadBalancer;
  private final Consumer<KubernetesObject> frontendDeleted;

  /**
   * @param frontend queues a frontend's reconcile
   * @param loadBalancer queues a load balancer's reconcile
   * @param frontendDeleted a Service or Ingress is gone (what was remembered about it can go)
   */
  Triggers(
      SharedIndexInformer<V1Service> services,
      SharedIndexInformer<V1Ingress> ingresses,
      SharedIndexInformer<V1Pod> pods,
      DirectAccessRules rules,
      Placements placements,
      Consumer<FrontendKey> frontend,
      Consumer<String> loadBalancer,
      Consumer<KubernetesObject> frontendDeleted) {
    this.frontendDeleted = frontendDeleted;
    this.services = services;
    this.ingresses = ingresses;
    this.rules = rules;
    this.placements = placements;
    this.frontend = frontend;
    this.loadBalancer = loadBalancer;
    services.addEventHandler(
        new Handler<>() {
          @Override
          void changed(V1Service before, V1Service after) {
            if (before == null
                || after == null
                || frontendChanged(before.getMetadata(), after.getMetadata())
                || !Objects.equals(before.getSpec(), after.getSpec())) {
              V1Service service = after != null ? after : before;
              frontend.accept(
                  FrontendKey.service(
                      service.getMetadata().getNamespace(), service.getMetadata().getName()));
              ingressesOf(service.getMetadata().getNamespace(), service.getMetadata().getName());
            }
            if (after == null) {
              frontendDeleted.accept(before);
            }
          }
        });
    ingresses.addEventHandler(
        new Handler<>() {
          @Override
          void changed(V1Ingress before, V1Ingress after) {
            if (before == null
                || after == null
                || frontendChanged(before.getMetadata(), after.getMetadata())
                || !Objects.equals(before.getSpec(), after.getSpec())) {
              V1Ingress ingress = after != null ? after : before;
              frontend.accept(
                  FrontendKey.ingress(
                      ingress.getMetadata().getNamespace(), ingress.getMetadata().getName()));
            }
            if (after == null) {
              frontendDeleted.accept(before);
            }
          }
        });
    pods.addEventHandler(
        new Handler<>() {
          @Override
          void changed(V1Pod before, V1Pod after) {
            if (PodChange.matters(before, after)) {
              podChanged(before, after);
            }
          }
        });
  }

  /**
   * Metadata a frontend's reconcile reads: annotations, labels, finalizers, deletion, generation.
   */
  private static boolean frontendChanged(V1ObjectMeta before, V1ObjectMeta after) {
    return !Objects.equals(before.getAnnotations(), after.getAnnotations())
        || !Objects.equals(before.getLabels(), after.getLabels())
        || !Objects.equals(before.getFinalizers(), after.getFinalizers())
        || !Objects.equals(before.getDeletionTimestamp(), after.getDeletionTimestamp())
        || !Objects.equals(before.getGeneration(), after.getGeneration())
        || !Objects.equals(before.getUid(), after.getUid());
  }

  /** Every frontend, e.g. when a term starts or the TkeServiceConfig CRD appears. */
  void everything() {
    for (V1Service service : services.getIndexer().list()) {
      frontend.accept(
          FrontendKey.service(
              service.getMetadata().getNamespace(), service.getMetadata().getName()));
    }
    for (V1Ingress ingress : ingresses.getIndexer().list()) {
      frontend.accept(
          FrontendKey.ingress(
              ingress.getMetadata().getNamespace(), ingress.getMetadata().getName()));
    }
  }

  /** A TkeServiceConfig changed: the frontends naming it apply it again. */
  void configChanged(String namespace, String configName) {
    for (V1Service service : services.getIndexer().byIndex(Caches.NAMESPACE_INDEX, namespace)) {
      if (configName.equals(TkeServiceConfigInformer.referenceOf(service))) {
        frontend.accept(FrontendKey.service(namespace, service.getMetadata().getName()));
      }
    }
    for (V1Ingress ingress : ingresses.getIndexer().byIndex(Caches.NAMESPACE_INDEX, namespace)) {
      if (configName.equals(TkeServiceConfigInformer.referenceOf(ingress))) {
        frontend.accept(FrontendKey.ingress(namespace, ingress.getMetadata().getName()));
      }
    }
  }

  /**
   * Certificate Secrets: a change to one (a renewal by cert-manager, a new {@code qcloud_cert_id})
   * queues the Ingresses whose {@code spec.tls} and the Services whose {@code specify-protocol}
   * name it. The informer keeps only the keys clb-direct reads, so other edits compare equal.
   */
  void watchSecrets(SharedIndexInformer<V1Secret> secrets) {
    secrets.addEventHandler(
        new Handler<>() {
          @Override
          void changed(V1Secret before, V1Secret after) {
            if (before != null
                && after != null
                && Objects.equals(before.getType(), after.getType())
                && Objects.equals(before.getData(), after.getData())) {
              return;
            }
            V1Secret secret = after != null ? after : before;
            secretChanged(secret.getMetadata().getNamespace(), secret.getMetadata().getName());
          }
        });
  }

  void secretChanged(String namespace, String secretName) {
    for (V1Ingress ingress : ingresses.getIndexer().byIndex(Caches.NAMESPACE_INDEX, namespace)) {
      if (ingress.getSpec() != null
          && ingress.getSpec().getTls() != null
          && ingress.getSpec().getTls().stream()
              .anyMatch(tls -> secretName.equals(tls.getSecretName()))) {
        frontend.accept(FrontendKey.ingress(namespace, ingress.getMetadata().getName()));
      }
    }
    for (V1Service service : services.getIndexer().byIndex(Caches.NAMESPACE_INDEX, namespace)) {
      ServiceProtocols protocols = ServiceProtocols.of(service);
      if (LoadBalancerReconciler.ports(service).stream()
          .anyMatch(port -> secretName.equals(protocols.tlsSecret(port.getPort())))) {
        frontend.accept(FrontendKey.service(namespace, service.getMetadata().getName()));
      }
    }
  }

  /** The direct-access Ingresses of a namespace that use this backend Service. */
  private void ingressesOf(String namespace, String serviceName) {
    for (V1Ingress ingress : ingresses.getIndexer().byIndex(Caches.NAMESPACE_INDEX, namespace)) {
      if ((rules.isDirectAccessIngress(ingress)
              || FrontendWriter.hasFinalizer(ingress, FrontendReconciler.FINALIZER))
          && DirectAccessRules.backendServiceNames(ingress).contains(serviceName)) {
        frontend.accept(FrontendKey.ingress(namespace, ingress.getMetadata().getName()));
      }
    }
  }

  private void podChanged(V1Pod before, V1Pod after) {
    V1Pod pod = after != null ? after : before;
    String namespace = pod.getMetadata().getNamespace();
    Map<String, String> labelsBefore = before == null ? null : before.getMetadata().getLabels();
    Map<String, String> labelsAfter = after == null ? null : after.getMetadata().getLabels();
    Set<String> selecting = new LinkedHashSet<>();
    for (V1Service service : services.getIndexer().byIndex(Caches.NAMESPACE_INDEX, namespace)) {
      Map<String, String> selector =
          service.getSpec() == null ? null : service.getSpec().getSelector();
      if (selector == null || selector.isEmpty()) {
        continue;
      }
      if (LabelSelectors.selects(selector, labelsAfter)
          || labelsBefore != null && LabelSelectors.selects(selector, labelsBefore)) {
        String name = service.getMetadata().getName();
        selecting.add(name);
        if (rules.isDirectAccessService(service)
            || FrontendWriter.hasFinalizer(service, FrontendReconciler.FINALIZER)) {
          served(FrontendKey.service(namespace, name));
        }
      }
    }
    if (selecting.isEmpty()) {
      return;
    }
    for (V1Ingress ingress : ingresses.getIndexer().byIndex(Caches.NAMESPACE_INDEX, namespace)) {
      if ((rules.isDirectAccessIngress(ingress)
              || FrontendWriter.hasFinalizer(ingress, FrontendReconciler.FINALIZER))
          && DirectAccessRules.backendServiceNames(ingress).stream()
              .anyMatch(selecting::contains)) {
        served(FrontendKey.ingress(namespace, ingress.getMetadata().getName()));
      }
    }
  }

  /** The frontend's load balancer, or the frontend itself while it has none yet. */
  private void served(FrontendKey key) {
    Placements.Placement placement = placements.of(key);
    if (placement != null) {
      loadBalancer.accept(placement.loadBalancerId());
    } else {
      frontend.accept(key);
    }
  }

  /** Add, update and delete as one call with the object before and after (null when absent). */
  private abstract static class Handler<T extends KubernetesObject>
      implements ResourceEventHandler<T> {
    abstract void changed(T before, T after);

    @Override
    public void onAdd(T object) {
      changed(null, object);
    }

    @Override
    public void onUpdate(T before, T after) {
      changed(before, after);
    }

    @Override
    public void onDelete(T object, boolean unknownFinalState) {
      changed(object, null);
    }
  }
}
