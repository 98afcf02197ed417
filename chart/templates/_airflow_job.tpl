{{/*
A Job that runs one `airflow` command with the Airflow image of the version being deployed (airflow.image), as a Helm
hook after the release changed: (dict "root" $ "name" NAME "hook" EVENTS "weight" W "args" LIST).
*/}}
{{- define "airflow-db-reconcile.airflowJob" -}}
{{- $root := .root }}
{{- $job := $root.Values.migrateDatabaseJob }}
{{- $annotations := dict "helm.sh/hook" .hook "helm.sh/hook-weight" .weight "helm.sh/hook-delete-policy" "before-hook-creation,hook-succeeded" }}
{{- $annotations = merge (deepCopy $job.jobAnnotations) $annotations }}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .name }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "airflow-db-reconcile.labels" $root | nindent 4 }}
  annotations:
    {{- toYaml $annotations | nindent 4 }}
spec:
  backoffLimit: {{ $job.backoffLimit }}
  ttlSecondsAfterFinished: {{ $job.ttlSecondsAfterFinished }}
  activeDeadlineSeconds: {{ $job.timeouts.execSeconds }}
  template:
    metadata:
      labels:
        {{- include "airflow-db-reconcile.labels" $root | nindent 8 }}
    spec:
      restartPolicy: Never
      automountServiceAccountToken: false
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .container }}
          image: {{ printf "%s:%s" $root.Values.airflow.image.repository ($root.Values.airflow.image.tag | default (include "airflow-db-reconcile.targetVersion" $root)) | quote }}
          imagePullPolicy: {{ $root.Values.airflow.image.pullPolicy }}
          args: {{ toJson .args }}
          env:
            - name: AIRFLOW__DATABASE__SQL_ALCHEMY_CONN
              valueFrom:
                secretKeyRef:
                  name: {{ include "airflow-db-reconcile.metadataSecretName" $root }}
                  key: {{ $root.Values.airflow.metadataSecret.key }}
            {{- with $job.downgrade.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop: ["ALL"]
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
