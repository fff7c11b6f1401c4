{{/*
The pod template both workloads share. Writable volumes, the root filesystem
being read-only: data (--data-dir: the StatefulSet's claim, or an emptyDir),
tmp, pki (the cert dir, filled from pki.existingSecret by the copy-pki init
container: Secret volumes are read-only, and frontdoor must write this pod's
serving certificate beside the shared CAs) and audit-log (a file --audit-log-path).
*/}}
{{- define "frontdoor.podTemplate" -}}
{{- $a := .Values.apiserver }}
{{- $annotations := dict }}
{{- if .Values.audit.enabled }}
{{- $_ := set $annotations "checksum/audit-policy" (include (print $.Template.BasePath "/configmap-audit-policy.yaml") . | sha256sum) }}
{{- end }}
{{- if and .Values.storage.etcd.tls.enabled (not .Values.storage.etcd.tls.existingSecret) }}
{{- $_ := set $annotations "checksum/etcd-tls" (include (print $.Template.BasePath "/secret-etcd-tls.yaml") . | sha256sum) }}
{{- end }}
{{- $annotations = merge $annotations .Values.podAnnotations -}}
metadata:
  labels:
    {{- include "frontdoor.labels" . | nindent 4 }}
    {{- with .Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with $annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  serviceAccountName: {{ include "frontdoor.serviceAccountName" . }}
  automountServiceAccountToken: {{ .Values.automountServiceAccountToken }}
  enableServiceLinks: false
  terminationGracePeriodSeconds: {{ int64 .Values.terminationGracePeriodSeconds }}
  {{- with .Values.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml .Values.podSecurityContext | nindent 4 }}
  {{- if .Values.pki.existingSecret }}
  initContainers:
    - name: copy-pki
      image: {{ include "frontdoor.image" . }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      command:
        - node
        - -e
        - {{ .Files.Get "files/copy-pki.js" | toJson }}
        - /etc/frontdoor/pki-secret
        - {{ include "frontdoor.certDir" . }}
      securityContext:
        {{- toYaml .Values.securityContext | nindent 8 }}
      resources:
        {{- toYaml .Values.resources | nindent 8 }}
      volumeMounts:
        - name: pki-secret
          mountPath: /etc/frontdoor/pki-secret
          readOnly: true
        - name: pki
          mountPath: {{ include "frontdoor.certDir" . }}
  {{- end }}
  containers:
    - name: frontdoor
      image: {{ include "frontdoor.image" . }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      command:
        - frontdoor
      args:
        {{- include "frontdoor.args" . | nindent 8 }}
      {{- with .Values.extraEnv }}
      env:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      ports:
        - name: https
          containerPort: {{ int64 $a.securePort }}
          protocol: TCP
      startupProbe:
        httpGet:
          path: /livez
          port: https
          scheme: HTTPS
        {{- toYaml .Values.probes.startup | nindent 8 }}
      livenessProbe:
        httpGet:
          path: /livez
          port: https
          scheme: HTTPS
        {{- toYaml .Values.probes.liveness | nindent 8 }}
      readinessProbe:
        httpGet:
          path: /readyz
          port: https
          scheme: HTTPS
        {{- toYaml .Values.probes.readiness | nindent 8 }}
      resources:
        {{- toYaml .Values.resources | nindent 8 }}
      securityContext:
        {{- toYaml .Values.securityContext | nindent 8 }}
      volumeMounts:
        - name: data
          mountPath: {{ include "frontdoor.dataDir" . }}
        - name: tmp
          mountPath: /tmp
        {{- if .Values.pki.existingSecret }}
        - name: pki
          mountPath: {{ include "frontdoor.certDir" . }}
        {{- end }}
        {{- if and (eq .Values.storage.mode "etcd") .Values.storage.etcd.tls.enabled }}
        - name: etcd-tls
          mountPath: /etc/frontdoor/etcd
          readOnly: true
        {{- end }}
        {{- if $a.tlsSecret }}
        - name: serving-cert
          mountPath: /etc/frontdoor/serving
          readOnly: true
        {{- end }}
        {{- if $a.clientCASecret }}
        - name: client-ca
          mountPath: /etc/frontdoor/client-ca
          readOnly: true
        {{- end }}
        {{- if $a.proxyClientSecret }}
        - name: proxy-client
          mountPath: /etc/frontdoor/proxy-client
          readOnly: true
        {{- end }}
        {{- if $a.tokenAuthSecret }}
        - name: token-auth
          mountPath: /etc/frontdoor/token-auth
          readOnly: true
        {{- end }}
        {{- if $a.requestheader.clientCASecret }}
        - name: requestheader-ca
          mountPath: /etc/frontdoor/requestheader-ca
          readOnly: true
        {{- end }}
        {{- if .Values.audit.enabled }}
        - name: audit-policy
          mountPath: /etc/frontdoor/audit
          readOnly: true
        {{- if ne .Values.audit.logPath "-" }}
        - name: audit-log
          mountPath: {{ dir .Values.audit.logPath }}
        {{- end }}
        {{- end }}
        {{- with .Values.extraVolumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
  volumes:
    {{- if or (eq .Values.storage.mode "etcd") (not .Values.storage.persistence.enabled) }}
    - name: data
      emptyDir: {}
    {{- end }}
    - name: tmp
      emptyDir: {}
    {{- with .Values.pki.existingSecret }}
    - name: pki-secret
      secret:
        secretName: {{ . }}
        defaultMode: 0440
    - name: pki
      emptyDir:
        medium: Memory
        sizeLimit: 16Mi
    {{- end }}
    {{- if and (eq .Values.storage.mode "etcd") .Values.storage.etcd.tls.enabled }}
    - name: etcd-tls
      secret:
        secretName: {{ include "frontdoor.etcdTLSSecret" . }}
        defaultMode: 0440
    {{- end }}
    {{- with $a.tlsSecret }}
    - name: serving-cert
      secret:
        secretName: {{ . }}
        defaultMode: 0440
    {{- end }}
    {{- with $a.clientCASecret }}
    - name: client-ca
      secret:
        secretName: {{ . }}
        defaultMode: 0440
    {{- end }}
    {{- with $a.proxyClientSecret }}
    - name: proxy-client
      secret:
        secretName: {{ . }}
        defaultMode: 0440
    {{- end }}
    {{- with $a.tokenAuthSecret }}
    - name: token-auth
      secret:
        secretName: {{ . }}
        defaultMode: 0440
    {{- end }}
    {{- with $a.requestheader.clientCASecret }}
    - name: requestheader-ca
      secret:
        secretName: {{ . }}
        defaultMode: 0440
    {{- end }}
    {{- if .Values.audit.enabled }}
    - name: audit-policy
      configMap:
        name: {{ include "frontdoor.fullname" . }}-audit-policy
    {{- if ne .Values.audit.logPath "-" }}
    - name: audit-log
      emptyDir: {}
    {{- end }}
    {{- end }}
    {{- with .Values.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
