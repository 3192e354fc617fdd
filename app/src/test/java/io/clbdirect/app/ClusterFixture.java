package io.clbdirect.app;

import io.clbdirect.app.support.FakeApiServer;

/**
 * The cluster the app tests see: namespace "shop" with one direct-access Service and one Ingress.
 */
final class ClusterFixture {

  private ClusterFixture() {}

  static FakeApiServer serve(FakeApiServer api) {
    return api.list(
            "/api/v1/services",
            "ServiceList",
            """
            [{"metadata":{"name":"web","namespace":"shop","resourceVersion":"1",
                          "annotations":{"service.cloud.tencent.com/direct-access":"true"}},
              "spec":{"type":"LoadBalancer","selector":{"app":"web"},"ports":[{"port":80,"targetPort":8080}]}},
             {"metadata":{"name":"api","namespace":"shop","resourceVersion":"2"},
              "spec":{"type":"ClusterIP","selector":{"app":"api"},"ports":[{"port":80}]}},
             {"metadata":{"name":"db","namespace":"shop","resourceVersion":"3"},
              "spec":{"type":"ClusterIP","selector":{"app":"db"},"ports":[{"port":5432}]}}]
            """)
        .list(
            "/apis/networking.k8s.io/v1/ingresses",
            "IngressList",
            """
            [{"metadata":{"name":"gateway","namespace":"shop","resourceVersion":"4",
                          "annotations":{"ingress.cloud.tencent.com/direct-access":"true"}},
              "spec":{"ingressClassName":"qcloud","rules":[{"http":{"paths":[
                {"path":"/api","pathType":"Prefix","backend":{"service":{"name":"api","port":{"number":80}}}}]}}]}}]
            """)
        .list("/api/v1/namespaces/kube-system/configmaps", "ConfigMapList", "[]");
  }

  static String review(String uid, String labelsJson) {
    return """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
         "request":{"uid":"%s","kind":{"group":"","version":"v1","kind":"Pod"},
                    "resource":{"group":"","version":"v1","resource":"pods"},
                    "namespace":"shop","operation":"CREATE","userInfo":{"username":"system:serviceaccount:kube-system:replicaset-controller"},
                    "object":{"apiVersion":"v1","kind":"Pod",
                              "metadata":{"generateName":"web-7d9c-","namespace":"shop","labels":%s},
                              "spec":{"containers":[{"name":"app","image":"nginx","ports":[{"containerPort":8080}]}]}}}}
        """
        .formatted(uid, labelsJson);
  }
}
