{{/*
The environment of one service in the cluster: the same variable names as the start command's export_service_env
(./bazaar) and docker-compose.yml; deploy/checks/compose.test.mjs holds the three together.
Call with (dict "root" $ "name" "catalog" "svc" $svc "migration" false).
*/}}
{{- define "bazaar.serviceEnv" -}}
{{- $root := .root }}
{{- $name := .name }}
{{- $svc := .svc }}
{{- $secret := printf "%s-secrets" $name }}
{{- if .migration }}{{ $secret = printf "%s-migration" $name }}{{ end }}
{{- $aspnetEnv := ternary "Production" (title $root.Values.environment) (eq $root.Values.environment "prod") }}
- name: ASPNETCORE_URLS
  value: http://+:8080
- name: ASPNETCORE_ENVIRONMENT
  value: {{ $aspnetEnv }}
- name: DOTNET_ENVIRONMENT
  value: {{ $aspnetEnv }}
{{- if $svc.database }}
- name: ConnectionStrings__Database
  valueFrom:
    secretKeyRef: {name: {{ $secret }}, key: ConnectionStrings__Database}
{{- end }}
{{- if eq $root.Values.redis.mode "external" }}
{{- if not .migration }}
- name: ConnectionStrings__Redis
  valueFrom:
    secretKeyRef: {name: {{ $secret }}, key: ConnectionStrings__Redis}
{{- end }}
{{- else }}
- name: ConnectionStrings__Redis
  value: {{ printf "redis-%s:%v" $svc.redis $root.Values.redis.port | quote }}
{{- end }}
- name: Auth__Issuer
  value: {{ $root.Values.publicUrl | quote }}
- name: Auth__Audience
  value: bazaar
- name: Auth__JwksUri
  value: http://identity:8080/.well-known/jwks.json
- name: ServiceAuth__TokenUri
  value: http://identity:8080/api/v1/auth/token
- name: ServiceAuth__ClientId
  value: {{ $name }}
{{- if not .migration }}
- name: ServiceAuth__ClientSecret
  valueFrom:
    secretKeyRef: {name: {{ $secret }}, key: ServiceAuth__ClientSecret}
{{- end }}
{{- range $other, $_ := $root.Values.services }}
- name: Services__{{ $other }}
  value: http://{{ $other }}:8080
{{- end }}
{{- if and (eq $name "payments") (not .migration) }}
- name: Payments__Sandbox__FingerprintKey
  valueFrom:
    secretKeyRef: {name: {{ $secret }}, key: Payments__Sandbox__FingerprintKey}
- name: Payments__Sandbox__WebhookSecret
  valueFrom:
    secretKeyRef: {name: {{ $secret }}, key: Payments__Sandbox__WebhookSecret}
# The sandbox network posts its webhooks to the shop's edge, as a provider posts to its public address.
- name: Payments__Sandbox__WebhookUrl
  value: http://edge:8080/api/v1/payments/webhooks/sandbox
{{- end }}
{{- if and $svc.email $root.Values.email.smtp.host }}
- name: Email__Smtp__Host
  value: {{ $root.Values.email.smtp.host | quote }}
- name: Email__Smtp__Port
  value: {{ $root.Values.email.smtp.port | quote }}
{{- if not .migration }}
- name: Email__Smtp__User
  valueFrom:
    secretKeyRef: {name: {{ $secret }}, key: Email__Smtp__User}
- name: Email__Smtp__Password
  valueFrom:
    secretKeyRef: {name: {{ $secret }}, key: Email__Smtp__Password}
{{- end }}
{{- else }}
- name: Email__Mailbox
  value: /tmp/mailbox
{{- end }}
- name: Email__From
  value: {{ $root.Values.email.from | quote }}
- name: Email__PublicBaseUrl
  value: {{ $root.Values.publicUrl | quote }}
- name: Media__Root
  value: /tmp/media
{{- if eq (index ($svc.env | default dict) "Media__Store" | default "") "s3" }}
- name: Media__S3Bucket
  value: {{ $root.Values.media.s3Bucket | quote }}
- name: Media__S3Region
  value: {{ $root.Values.media.s3Region | quote }}
{{- end }}
{{- if and (eq $name "identity") (not .migration) }}
- name: Identity__KeyEncryptionKey
  valueFrom:
    secretKeyRef: {name: {{ $secret }}, key: Identity__KeyEncryptionKey}
- name: Identity__RefreshCookie__Secure
  value: "true"
{{- range $other, $_ := $root.Values.services }}
- name: Identity__ServiceClients__{{ $other }}
  valueFrom:
    secretKeyRef: {name: {{ $secret }}, key: Identity__ServiceClients__{{ $other }}}
{{- end }}
{{- end }}
- name: OTEL_SERVICE_NAME
  value: {{ $name }}
- name: OTEL_RESOURCE_ATTRIBUTES
  value: {{ printf "deployment.environment=%s,service.namespace=bazaar" $root.Values.environment | quote }}
{{- with $root.Values.telemetry.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- range $k, $v := $svc.env }}
- name: {{ $k }}
  value: {{ $v | quote }}
{{- end }}
{{- end }}
