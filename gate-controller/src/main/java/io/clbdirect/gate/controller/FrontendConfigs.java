package io.clbdirect.gate.controller;

import io.kubernetes.client.common.KubernetesObject;

/**
 * The TkeServiceConfig a frontend names, as listener and rule settings (a problem with it is
 * reported on the frontend).
 */
@FunctionalInterface
interface FrontendConfigs {
  TkeServiceConfigInformer.Lookup forFrontend(KubernetesObject frontend);
}
