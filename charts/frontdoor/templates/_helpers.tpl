{{/* The chart name, or nameOverride. */}}
{{- define "frontdoor.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The full name: fullnameOverride, or the release name with the chart's name when the release does not hold it already. */}}
{{- define "frontdoor.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "frontdoor.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "frontdoor.selectorLabels" -}}
app.kubernetes.io/name: {{ include "frontdoor.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "frontdoor.labels" -}}
helm.sh/chart: {{ include "frontdoor.chart" . }}
{{ include "frontdoor.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: apiserver
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "frontdoor.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "frontdoor.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "frontdoor.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The etcd TLS Secret: the one named, or the one the chart creates. */}}
{{- define "frontdoor.etcdTLSSecret" -}}
{{- default (printf "%s-etcd-tls" (include "frontdoor.fullname" .)) .Values.storage.etcd.tls.existingSecret }}
{{- end }}

{{/* Where things live in the container. */}}
{{- define "frontdoor.dataDir" -}}/var/lib/frontdoor{{- end }}
{{- define "frontdoor.certDir" -}}/var/run/frontdoor/pki{{- end }}

{{/* The storage mode's checks, for renders that skip values.schema.json. */}}
{{- define "frontdoor.validate" -}}
{{- $mode := .Values.storage.mode }}
{{- if eq $mode "etcd" }}
{{- if not .Values.storage.etcd.servers }}
{{- fail "storage.mode etcd needs storage.etcd.servers (--etcd-servers)" }}
{{- end }}
{{- if not .Values.pki.existingSecret }}
{{- fail "storage.mode etcd needs pki.existingSecret: every replica must serve with the same CAs (see the chart's README section)" }}
{{- end }}
{{- if lt (int .Values.replicas) 1 }}
{{- fail "replicas must be at least 1" }}
{{- end }}
{{- else if eq $mode "embedded" }}
{{- if ne (int .Values.replicas) 1 }}
{{- fail "storage.mode embedded runs exactly one replica (one SQLite database): set replicas to 1 or use storage.mode etcd" }}
{{- end }}
{{- else }}
{{- fail (printf "storage.mode must be embedded or etcd, not %q" $mode) }}
{{- end }}
{{- end }}

{{/* The server's command line, as a YAML list (toYaml quotes what needs quoting). */}}
{{- define "frontdoor.args" -}}
{{- $a := .Values.apiserver }}
{{- $full := include "frontdoor.fullname" . }}
{{- $ns := .Release.Namespace }}
{{- $sans := list $full (printf "%s.%s" $full $ns) (printf "%s.%s.svc" $full $ns) (printf "%s.%s.svc.%s" $full $ns .Values.clusterDomain) }}
{{- $args := list (printf "--data-dir=%s" (include "frontdoor.dataDir" .)) }}
{{- if .Values.pki.existingSecret }}
{{- $args = append $args (printf "--cert-dir=%s" (include "frontdoor.certDir" .)) }}
{{- end }}
{{- $args = append $args (printf "--tls-sans=%s" (concat $sans .Values.pki.extraSANs | join ",")) }}
{{- $args = append $args (printf "--bind-address=%s" $a.bindAddress) }}
{{- $args = append $args (printf "--secure-port=%d" (int64 $a.securePort)) }}
{{- $args = append $args (printf "--authorization-mode=%s" (join "," $a.authorizationMode)) }}
{{- $args = append $args (printf "--anonymous-auth=%t" $a.anonymousAuth) }}
{{- $args = append $args (printf "--enable-aggregator-routing=%t" $a.enableAggregatorRouting) }}
{{- $args = append $args (printf "--max-requests-inflight=%d" (int64 $a.maxRequestsInflight)) }}
{{- $args = append $args (printf "--max-mutating-requests-inflight=%d" (int64 $a.maxMutatingRequestsInflight)) }}
{{- $args = append $args (printf "--request-timeout=%s" $a.requestTimeout) }}
{{- $args = append $args (printf "--min-request-timeout=%d" (int64 $a.minRequestTimeout)) }}
{{- $args = append $args (printf "--shutdown-delay-duration=%s" $a.shutdownDelayDuration) }}
{{- $args = append $args (printf "--shutdown-timeout=%s" $a.shutdownTimeout) }}
{{- $args = append $args (printf "--v=%d" (int64 $a.v)) }}
{{- $args = append $args (printf "--log-format=%s" $a.logFormat) }}
{{- with $a.runtimeConfig }}
{{- $args = append $args (printf "--runtime-config=%s" (join "," .)) }}
{{- end }}
{{- range $a.serviceAccountIssuer }}
{{- $args = append $args (printf "--service-account-issuer=%s" .) }}
{{- end }}
{{- with $a.apiAudiences }}
{{- $args = append $args (printf "--api-audiences=%s" (join "," .)) }}
{{- end }}
{{- if eq .Values.storage.mode "etcd" }}
{{- $args = append $args (printf "--etcd-servers=%s" (join "," .Values.storage.etcd.servers)) }}
{{- $args = append $args (printf "--etcd-prefix=%s" .Values.storage.etcd.prefix) }}
{{- if .Values.storage.etcd.tls.enabled }}
{{- $args = concat $args (list "--etcd-cafile=/etc/frontdoor/etcd/ca.crt" "--etcd-certfile=/etc/frontdoor/etcd/tls.crt" "--etcd-keyfile=/etc/frontdoor/etcd/tls.key") }}
{{- end }}
{{- end }}
{{- $args = append $args (printf "--compaction-interval=%s" .Values.storage.etcd.compactionInterval) }}
{{- if $a.tlsSecret }}
{{- $args = concat $args (list "--tls-cert-file=/etc/frontdoor/serving/tls.crt" "--tls-private-key-file=/etc/frontdoor/serving/tls.key") }}
{{- end }}
{{- if $a.clientCASecret }}
{{- $args = append $args "--client-ca-file=/etc/frontdoor/client-ca/ca.crt" }}
{{- end }}
{{- if $a.proxyClientSecret }}
{{- $args = concat $args (list "--proxy-client-cert-file=/etc/frontdoor/proxy-client/tls.crt" "--proxy-client-key-file=/etc/frontdoor/proxy-client/tls.key") }}
{{- end }}
{{- if $a.tokenAuthSecret }}
{{- $args = append $args "--token-auth-file=/etc/frontdoor/token-auth/tokens.csv" }}
{{- end }}
{{- $rh := $a.requestheader }}
{{- if $rh.clientCASecret }}
{{- $args = append $args "--requestheader-client-ca-file=/etc/frontdoor/requestheader-ca/ca.crt" }}
{{- end }}
{{- with $rh.allowedNames }}
{{- $args = append $args (printf "--requestheader-allowed-names=%s" (join "," .)) }}
{{- end }}
{{- with $rh.usernameHeaders }}
{{- $args = append $args (printf "--requestheader-username-headers=%s" (join "," .)) }}
{{- end }}
{{- with $rh.groupHeaders }}
{{- $args = append $args (printf "--requestheader-group-headers=%s" (join "," .)) }}
{{- end }}
{{- with $rh.extraHeadersPrefix }}
{{- $args = append $args (printf "--requestheader-extra-headers-prefix=%s" (join "," .)) }}
{{- end }}
{{- if .Values.audit.enabled }}
{{- $args = append $args "--audit-policy-file=/etc/frontdoor/audit/policy.yaml" }}
{{- $args = append $args (printf "--audit-log-path=%s" .Values.audit.logPath) }}
{{- $args = append $args (printf "--audit-log-maxage=%d" (int64 .Values.audit.logMaxage)) }}
{{- $args = append $args (printf "--audit-log-maxbackup=%d" (int64 .Values.audit.logMaxbackup)) }}
{{- $args = append $args (printf "--audit-log-maxsize=%d" (int64 .Values.audit.logMaxsize)) }}
{{- end }}
{{- toYaml (concat $args .Values.extraArgs) }}
{{- end }}
