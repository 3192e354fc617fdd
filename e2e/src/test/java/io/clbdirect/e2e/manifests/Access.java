package io.clbdirect.e2e.manifests;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AuthorizationV1Api;
import io.kubernetes.client.openapi.models.V1ResourceAttributes;
import io.kubernetes.client.openapi.models.V1SelfSubjectAccessReview;
import io.kubernetes.client.openapi.models.V1SelfSubjectAccessReviewSpec;
import io.kubernetes.client.openapi.models.V1SubjectAccessReview;
import io.kubernetes.client.openapi.models.V1SubjectAccessReviewSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * One thing a subject might be allowed to do, as an authorizer sees it.
 *
 * @param namespace null for cluster-scoped resources, or for "in every namespace"
 * @param name null when the request carries no name (list without a field selector, create by POST)
 */
public record Access(
    String verb, String group, String resource, String subresource, String namespace, String name) {

  public static Access of(
      String verb, String group, String resourceAndSubresource, String namespace, String name) {
    int slash = resourceAndSubresource.indexOf('/');
    return slash < 0
        ? new Access(verb, group, resourceAndSubresource, null, namespace, name)
        : new Access(
            verb,
            group,
            resourceAndSubresource.substring(0, slash),
            resourceAndSubresource.substring(slash + 1),
            namespace,
            name);
  }

  public Access inNamespace(String other) {
    return new Access(verb, group, resource, subresource, other, name);
  }

  public Access named(String other) {
    return new Access(verb, group, resource, subresource, namespace, other);
  }

  /**
   * Asks the API server whether the client's own identity may do this (SelfSubjectAccessReview).
   */
  public boolean allowedFor(ApiClient client) {
    try {
      V1SelfSubjectAccessReview review =
          new AuthorizationV1Api(client)
              .createSelfSubjectAccessReview(
                  new V1SelfSubjectAccessReview()
                      .spec(new V1SelfSubjectAccessReviewSpec().resourceAttributes(attributes())))
              .execute();
      return Boolean.TRUE.equals(review.getStatus().getAllowed());
    } catch (ApiException e) {
      throw new IllegalStateException(
          "SelfSubjectAccessReview for "
              + this
              + " failed: "
              + e.getCode()
              + " "
              + e.getResponseBody(),
          e);
    }
  }

  /**
   * Asks, with the rights of {@code reviewer}, whether another user may do this
   * (SubjectAccessReview).
   */
  public boolean allowedFor(ApiClient reviewer, String user, List<String> groups) {
    try {
      V1SubjectAccessReview review =
          new AuthorizationV1Api(reviewer)
              .createSubjectAccessReview(
                  new V1SubjectAccessReview()
                      .spec(
                          new V1SubjectAccessReviewSpec()
                              .user(user)
                              .groups(groups)
                              .resourceAttributes(attributes())))
              .execute();
      return Boolean.TRUE.equals(review.getStatus().getAllowed());
    } catch (ApiException e) {
      throw new IllegalStateException(
          "SubjectAccessReview for "
              + user
              + " "
              + this
              + " failed: "
              + e.getCode()
              + " "
              + e.getResponseBody(),
          e);
    }
  }

  private V1ResourceAttributes attributes() {
    return new V1ResourceAttributes()
        .verb(verb)
        .group(group)
        .resource(resource)
        .subresource(subresource)
        .namespace(namespace)
        .name(name);
  }

  /**
   * Every access a Role's or ClusterRole's rules grant, one per verb, resource and resourceName (or
   * none). A ClusterRole's namespaced resources are checked in {@code namespaceForClusterRules}.
   *
   * @param clusterScoped resources (plural, no subresource) that are cluster-scoped
   */
  public static List<Access> grantedBy(
      JsonObject role, String namespaceForClusterRules, java.util.Set<String> clusterScoped) {
    String roleNamespace = ApiResource.namespace(role);
    List<Access> granted = new ArrayList<>();
    for (JsonElement element : role.getAsJsonArray("rules")) {
      JsonObject rule = element.getAsJsonObject();
      List<String> names = strings(rule, "resourceNames");
      for (String group : strings(rule, "apiGroups")) {
        for (String resource : strings(rule, "resources")) {
          String plural =
              resource.contains("/") ? resource.substring(0, resource.indexOf('/')) : resource;
          String namespace =
              clusterScoped.contains(plural)
                  ? null
                  : roleNamespace != null ? roleNamespace : namespaceForClusterRules;
          for (String verb : strings(rule, "verbs")) {
            if (names.isEmpty()) {
              granted.add(Access.of(verb, group, resource, namespace, null));
            } else {
              names.forEach(name -> granted.add(Access.of(verb, group, resource, namespace, name)));
            }
          }
        }
      }
    }
    return granted;
  }

  static List<String> strings(JsonObject object, String field) {
    List<String> values = new ArrayList<>();
    if (object.has(field)) {
      object.getAsJsonArray(field).forEach(value -> values.add(value.getAsString()));
    }
    return values;
  }

  @Override
  public String toString() {
    return verb
        + " "
        + (group.isEmpty() ? "" : group + "/")
        + resource
        + (subresource == null ? "" : "/" + subresource)
        + (name == null ? "" : " " + name)
        + (namespace == null ? "" : " in " + namespace);
  }
}
