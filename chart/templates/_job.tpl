{{/*
The reconciler Job. (dict "root" $ "restore" false) is the downgrade Job that runs before the release changes;
"restore" true is the Job that runs after it and scales the writers the downgrade stopped back up.
*/}}
{{- define "airflow-db-reconcile.job" -}}
{{- $root := .root }}
{{- $restore := .restore }}
{{- $job := $root.Values.migrateDatabaseJob }}
{{- $needsApi := include "airflow-db-reconcile.needsApi" $root }}
{{- $annotations := dict }}
{{- if $job.useHelmHooks }}
{{- $_ := set $annotations "helm.sh/hook" (ternary "post-upgrade,post-rollback" (include "airflow-db-reconcile.hookEvents" $root) $restore) }}
{{- $_ := set $annotations "helm.sh/hook-weight" "-10" }}
{{- $_ := set $annotations "helm.sh/hook-delete-policy" "before-hook-creation,hook-succeeded" }}
{{- else }}
{{- $_ := set $annotations "argocd.argoproj.io/hook" (ternary "PostSync" "PreSync" $restore) }}
{{- $_ := set $annotations "argocd.argoproj.io/sync-wave" "-10" }}
{{- $_ := set $annotations "argocd.argoproj.io/hook-delete-policy" "BeforeHookCreation,HookSucceeded" }}
{{- end }}
{{- /* The operator's jobAnnotations win over the chart's of the same name. */}}
{{- $annotations = merge (deepCopy $job.jobAnnotations) $annotations }}
{{- /* On a first install the Airflow release's metadata secret may not exist yet: that means a fresh database. */}}
{{- $firstInstall := and $root.Release.IsInstall (not $restore) }}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ ternary (include "airflow-db-reconcile.restoreJobName" $root) (include "airflow-db-reconcile.jobName" $root) $restore }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "airflow-db-reconcile.labels" $root | nindent 4 }}
  annotations:
    {{- toYaml $annotations | nindent 4 }}
spec:
  backoffLimit: {{ $job.backoffLimit }}
  {{- /* Every wait the reconciler may do (resolver/README.md, "Deadline"), so the deadline never cuts one short. */}}
  activeDeadlineSeconds: {{ add (mul 7 $job.timeouts.dbSeconds) (mul 2 $job.timeouts.podSeconds) $job.timeouts.execSeconds (mul 2 $job.timeouts.countSeconds) 120 }}
  ttlSecondsAfterFinished: {{ $job.ttlSecondsAfterFinished }}
  template:
    metadata:
      labels:
        {{- include "airflow-db-reconcile.labels" $root | nindent 8 }}
      {{- with $job.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      restartPolicy: Never
      {{- if $needsApi }}
      serviceAccountName: {{ include "airflow-db-reconcile.serviceAccountName" $root }}
      automountServiceAccountToken: true
      {{- else }}
      # Reading alembic_version needs no Kubernetes API access, so no token is mounted.
      automountServiceAccountToken: false
      {{- end }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $job.securityContexts.pod | nindent 8 }}
      containers:
        - name: reconcile
          image: {{ include "airflow-db-reconcile.image" $root | quote }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          args:
            {{- if $restore }}
            - restore
            {{- else }}
            - run
            - --map
            - /etc/airflow-db-reconcile/revision-map.json
            - --target-version
            - {{ include "airflow-db-reconcile.targetVersion" $root | quote }}
            - --db-url-env
            - AIRFLOW__DATABASE__SQL_ALCHEMY_CONN
            {{- if $firstInstall }}
            - --missing-url-means-fresh
            {{- end }}
            - --source
            - {{ $job.downgrade.currentVersionSource }}
            - --db-timeout
            - {{ $job.timeouts.dbSeconds | quote }}
            - --exec-timeout
            - {{ $job.timeouts.execSeconds | quote }}
            {{- if $job.allowDowngrade }}
            - --allow-downgrade
            {{- end }}
            {{- if not (kindIs "invalid" $job.maxRowsLost) }}
            - --max-rows-lost
            - {{ $job.maxRowsLost | int64 | toString | quote }}
            {{- end }}
            - --count-budget
            - {{ $job.timeouts.countSeconds | quote }}
            {{- if $root.Values.airflow.directMetadataSecret.name }}
            - --direct-db-url-env
            - AIRFLOW_DB_RECONCILE_DIRECT_CONN
            {{- end }}
            {{- end }}
            - --namespace
            - $(POD_NAMESPACE)
            - --release
            - {{ include "airflow-db-reconcile.airflowRelease" $root | quote }}
            - --component-label
            - {{ $root.Values.airflow.componentLabel | quote }}
            - --pod-timeout
            - {{ $job.timeouts.podSeconds | quote }}
            {{- if $job.verbose }}
            - --verbose
            {{- end }}
          env:
            {{- if not $restore }}
            - name: AIRFLOW__DATABASE__SQL_ALCHEMY_CONN
              valueFrom:
                secretKeyRef:
                  name: {{ include "airflow-db-reconcile.metadataSecretName" $root }}
                  key: {{ $root.Values.airflow.metadataSecret.key }}
                  {{- if $firstInstall }}
                  optional: true
                  {{- end }}
            {{- with $root.Values.airflow.directMetadataSecret }}
            {{- if .name }}
            # The database itself, past PgBouncer: the reconcile lock is a session lock.
            - name: AIRFLOW_DB_RECONCILE_DIRECT_CONN
              valueFrom:
                secretKeyRef:
                  name: {{ .name }}
                  key: {{ .key }}
            {{- end }}
            {{- end }}
            {{- end }}
            - name: POD_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
            {{- with $job.downgrade.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- with $job.downgrade.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          securityContext:
            {{- toYaml $job.securityContexts.container | nindent 12 }}
          volumeMounts:
            {{- if not $restore }}
            - name: revision-map
              mountPath: /etc/airflow-db-reconcile
              readOnly: true
            {{- end }}
            # The root filesystem is read-only; the JVM and the reconciler write temporary files here.
            - name: tmp
              mountPath: /tmp
      volumes:
        {{- if not $restore }}
        - name: revision-map
          configMap:
            name: {{ include "airflow-db-reconcile.mapName" $root }}
        {{- end }}
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
      {{- with $job.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $job.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $job.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}
