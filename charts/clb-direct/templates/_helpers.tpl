{{/*
Labels of every object. app.kubernetes.io/name is the one manifests/ sets and the one selectors use
(clb-direct.bootstrap.own-pod-labels keeps clb-direct's own Pods away from its webhook); the other
three are Helm's conventions, and the only labels HelmChartTest allows beyond manifests/.
*/}}
{{- define "clb-direct.labels" -}}
app.kubernetes.io/name: clb-direct
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
What Service, PodDisruptionBudget and PodMonitor select, and what the Pods carry. Not the release
name: the bootstrapper's objectSelector matches this label exactly.
*/}}
{{- define "clb-direct.selectorLabels" -}}
app.kubernetes.io/name: clb-direct
{{- end }}

{{/*
clb-direct's application.yaml: the dedicated values, merged over extraConfig (the dedicated values
win). Rendered by toYaml, so key order is alphabetical; docs/configuration.md documents each key.
*/}}
{{- define "clb-direct.applicationYaml" -}}
{{- $settings := dict
    "network-mode" .Values.networkMode
    "gate-controller" (dict
        "enabled" .Values.gateController.enabled
        "cluster-name" .Values.gateController.clusterName)
    "clb" (dict
        "region" .Values.clb.region
        "vpc-id" .Values.clb.vpcId)
    "bootstrap" (dict
        "failure-policy" .Values.webhook.failurePolicy
        "timeout-seconds" .Values.webhook.timeoutSeconds
        "opt-out-label" .Values.webhook.namespaceSelector.optOutLabel) -}}
{{- toYaml (mergeOverwrite (deepCopy .Values.extraConfig) (dict "clb-direct" $settings)) -}}
{{- end }}
