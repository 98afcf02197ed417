{{/* Chart name, overridable. */}}
{{- define "airflow-db-reconcile.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of every object name; the release name alone when it already names the chart. */}}
{{- define "airflow-db-reconcile.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := include "airflow-db-reconcile.name" . }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Names with a suffix cut the prefix instead, so the suffix survives and the name stays a DNS label. */}}
{{- define "airflow-db-reconcile.jobName" -}}
{{- printf "%s-db-downgrade" (include "airflow-db-reconcile.fullname" . | trunc 50 | trimSuffix "-") }}
{{- end }}

{{- define "airflow-db-reconcile.restoreJobName" -}}
{{- printf "%s-restore" (include "airflow-db-reconcile.fullname" . | trunc 54 | trimSuffix "-") }}
{{- end }}

{{- define "airflow-db-reconcile.migrateJobName" -}}
{{- printf "%s-db-migrate" (include "airflow-db-reconcile.fullname" . | trunc 52 | trimSuffix "-") }}
{{- end }}

{{- define "airflow-db-reconcile.reserializeJobName" -}}
{{- printf "%s-reserialize-dags" (include "airflow-db-reconcile.fullname" . | trunc 45 | trimSuffix "-") }}
{{- end }}

{{/* The ConfigMap that carries the revision map. */}}
{{- define "airflow-db-reconcile.mapName" -}}
{{- printf "%s-map" (include "airflow-db-reconcile.fullname" . | trunc 59 | trimSuffix "-") }}
{{- end }}

{{/* The version-source service (Deployment, Service, ServiceMonitor, PrometheusRule). */}}
{{- define "airflow-db-reconcile.serveName" -}}
{{- printf "%s-serve" (include "airflow-db-reconcile.fullname" . | trunc 57 | trimSuffix "-") }}
{{- end }}

{{/*
The service's own copy of the revision map: the hooks' ConfigMap is a hook, deleted once the hooks succeeded, while
the service needs a map for as long as the release exists.
*/}}
{{- define "airflow-db-reconcile.serveMapName" -}}
{{- printf "%s-serve-map" (include "airflow-db-reconcile.fullname" . | trunc 53 | trimSuffix "-") }}
{{- end }}

{{/* Fails rendering when the cluster does not serve a Prometheus Operator kind the values ask for. */}}
{{- define "airflow-db-reconcile.requireMonitoringApi" -}}
{{- $root := index . 0 }}
{{- $kind := index . 1 }}
{{- $value := index . 2 }}
{{- if not ($root.Capabilities.APIVersions.Has (printf "monitoring.coreos.com/v1/%s" $kind)) }}
{{- fail (printf "%s=true needs the Prometheus Operator's %s (monitoring.coreos.com/v1), which this cluster does not serve: install the operator's CRDs first (with `helm template`, pass --api-versions monitoring.coreos.com/v1/%s), or set %s=false" $value $kind $kind $value) }}
{{- end }}
{{- end }}

{{- define "airflow-db-reconcile.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "airflow-db-reconcile.selectorLabels" -}}
app.kubernetes.io/name: {{ include "airflow-db-reconcile.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "airflow-db-reconcile.labels" -}}
{{- include "airflow-db-reconcile.componentLabels" (list . "db-reconcile") }}
{{- end }}

{{/* The version-source service's objects; its own component, so that its selector never matches a Job's pod. */}}
{{- define "airflow-db-reconcile.serveLabels" -}}
{{- include "airflow-db-reconcile.componentLabels" (list . "version-source") }}
{{- end }}

{{- define "airflow-db-reconcile.serveSelectorLabels" -}}
{{ include "airflow-db-reconcile.selectorLabels" . }}
app.kubernetes.io/component: version-source
{{- end }}

{{/* (list root component) */}}
{{- define "airflow-db-reconcile.componentLabels" -}}
{{- $root := index . 0 -}}
helm.sh/chart: {{ include "airflow-db-reconcile.chart" $root }}
{{ include "airflow-db-reconcile.selectorLabels" $root }}
app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
app.kubernetes.io/component: {{ index . 1 }}
app.kubernetes.io/part-of: airflow
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
{{- end }}

{{/* The Airflow release the job works on: its pods carry release=<this>. */}}
{{- define "airflow-db-reconcile.airflowRelease" -}}
{{- .Values.airflow.releaseName | default .Release.Name }}
{{- end }}

{{- define "airflow-db-reconcile.targetVersion" -}}
{{- $version := .Values.airflowVersion | default .Values.global.airflowVersion }}
{{- required "airflowVersion is not set: set airflowVersion (or global.airflowVersion) to the Airflow version being deployed, the same as the Airflow chart's" $version }}
{{- end }}

{{- define "airflow-db-reconcile.metadataSecretName" -}}
{{- .Values.airflow.metadataSecret.name | default (printf "%s-airflow-metadata" (include "airflow-db-reconcile.airflowRelease" .)) }}
{{- end }}

{{- define "airflow-db-reconcile.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
The Job needs the API to read pods (a running-pod source), for a downgrade (pod exec, scaling writers to zero), and
on an install: it passes --missing-url-means-fresh there, and a missing metadata Secret means a fresh database only
while the Airflow release has no Deployment or StatefulSet yet.
*/}}
{{- define "airflow-db-reconcile.needsApi" -}}
{{- if or (include "airflow-db-reconcile.readsPods" .) .Release.IsInstall }}true{{ end }}
{{- end }}

{{- define "airflow-db-reconcile.readsPods" -}}
{{- if or .Values.migrateDatabaseJob.allowDowngrade (ne .Values.migrateDatabaseJob.downgrade.currentVersionSource "alembic-table") }}true{{ end }}
{{- end }}

{{/* Running a command in an Airflow pod: the downgrade itself, or asking the pod for its version. */}}
{{- define "airflow-db-reconcile.needsExec" -}}
{{- if or .Values.migrateDatabaseJob.allowDowngrade (eq .Values.migrateDatabaseJob.downgrade.currentVersionSource "running-pod-exec") }}true{{ end }}
{{- end }}

{{/*
The account the Job runs as when it needs the API. Without one the pod would run as, and the RoleBinding bind
pods/exec and patch rights to, the namespace's default ServiceAccount, which every other pod there uses.
*/}}
{{- define "airflow-db-reconcile.serviceAccountName" -}}
{{- if .Values.serviceAccount.name }}
{{- .Values.serviceAccount.name }}
{{- else if .Values.serviceAccount.create }}
{{- include "airflow-db-reconcile.fullname" . }}
{{- else }}
{{- fail "serviceAccount.create=false needs serviceAccount.name: the Job needs Kubernetes API access (on an install, with allowDowngrade or a running-pod currentVersionSource) and would otherwise run as the namespace's default ServiceAccount; set serviceAccount.name to the account to use, or serviceAccount.create=true" }}
{{- end }}
{{- end }}

{{/*
Annotations that order an object before the Job: a Helm hook with a lower weight, or, without Helm
hooks, an Argo CD PreSync hook with an earlier wave (a plain object would be applied after PreSync).
Helm deletes succeeded hooks, so with allowDowngrade they come back for the restore Job after the change.
Helm never deletes hooks on uninstall, and a hook left by a failed or interrupted run (the RBAC grants pods/exec)
would outlive the release: as pre-delete hooks too, `helm uninstall` replaces such a leftover
(before-hook-creation) and deletes it once done (hook-succeeded). No hook-failed: Helm applies it only to the
hook that failed, and only Jobs and Pods can fail once created.
*/}}
{{- define "airflow-db-reconcile.supportAnnotations" -}}
{{- if .Values.migrateDatabaseJob.useHelmHooks -}}
helm.sh/hook: {{ include "airflow-db-reconcile.hookEvents" . }}{{ if .Values.migrateDatabaseJob.allowDowngrade }},post-upgrade,post-rollback{{ end }},pre-delete
helm.sh/hook-weight: "-20"
helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
{{- else -}}
argocd.argoproj.io/hook: PreSync
argocd.argoproj.io/sync-wave: "-20"
argocd.argoproj.io/hook-delete-policy: BeforeHookCreation
{{- end }}
{{- end }}

{{- define "airflow-db-reconcile.hookEvents" -}}
{{- if .Values.migrateDatabaseJob.runOnInstall }}pre-install,{{ end }}pre-upgrade,pre-rollback
{{- end }}
