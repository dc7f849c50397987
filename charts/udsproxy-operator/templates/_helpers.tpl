{{/* Chart name, overridable. */}}
{{- define "udsproxy.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of every resource name; short enough for the suffixes added below. */}}
{{- define "udsproxy.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "udsproxy.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "udsproxy.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: udsproxy
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "udsproxy.selectorLabels" -}}
app.kubernetes.io/name: {{ include "udsproxy.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "udsproxy.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "udsproxy.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "udsproxy.operatorImage" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "udsproxy.sidecarImage" -}}
{{- printf "%s:%s" .Values.sidecar.image.repository (default .Chart.AppVersion .Values.sidecar.image.tag) }}
{{- end }}

{{/* Names shared by the Deployment (as settings of the operator) and the objects themselves. */}}
{{- define "udsproxy.webhookName" -}}{{ include "udsproxy.fullname" . }}-webhook{{- end }}
{{- define "udsproxy.webhookSecret" -}}{{ include "udsproxy.fullname" . }}-webhook-tls{{- end }}
{{- define "udsproxy.leaseName" -}}{{ include "udsproxy.fullname" . }}-leader{{- end }}

{{/* Namespaces never injected: the control plane's and our own (the webhook must not gate itself). The
       webhook entries, the ValidatingAdmissionPolicy and the operator (UDSPROXY_EXCLUDED_NAMESPACES) all read
       this one list, so what is never sent is also what the operator never expects to be injected. */}}
{{- define "udsproxy.excludedNamespaces" -}}
{{- $excluded := list "kube-system" "kube-public" "kube-node-lease" .Release.Namespace }}
{{- range .Values.webhook.excludedNamespaces }}{{ $excluded = append $excluded . }}{{ end }}
{{- toJson ($excluded | uniq) }}
{{- end }}

{{/* Fields every webhook entry shares; called with (dict "root" $ "failurePolicy" ...). */}}
{{- define "udsproxy.webhookCommon" -}}
{{- $values := .root.Values }}
admissionReviewVersions: ["v1"]
# NoneOnDryRun: the webhook writes no Event for a dry-run AdmissionReview, so `kubectl apply --dry-run=server`
# (and helm test, which asks for a dry-run Pod) stays free of side effects.
sideEffects: NoneOnDryRun
timeoutSeconds: {{ $values.webhook.timeoutSeconds }}
failurePolicy: {{ .failurePolicy }}
reinvocationPolicy: {{ $values.webhook.reinvocationPolicy }}
matchPolicy: Equivalent
rules:
  - operations: ["CREATE"]
    apiGroups: [""]
    apiVersions: ["v1"]
    resources: ["pods"]
    scope: Namespaced
{{- end }}

{{/* Combinations the schema cannot express; each message names the values and what to do. */}}
{{- define "udsproxy.validate" -}}
{{- $pdb := .Values.podDisruptionBudget }}
{{- if and $pdb.enabled (not (kindIs "string" $pdb.minAvailable)) (ge (int $pdb.minAvailable) (int .Values.replicaCount)) }}
{{- fail (printf "podDisruptionBudget.minAvailable (%d) must be below replicaCount (%d), or no node drain can ever evict an operator Pod; raise replicaCount or set podDisruptionBudget.enabled=false" (int $pdb.minAvailable) (int .Values.replicaCount)) }}
{{- end }}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.leaderElection.enabled) }}
{{- fail (printf "replicaCount %d needs leaderElection.enabled=true: without it every replica reconciles and rotates certificates at once; or set replicaCount=1" (int .Values.replicaCount)) }}
{{- end }}
{{- end }}
