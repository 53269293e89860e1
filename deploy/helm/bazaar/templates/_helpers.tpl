{{/* Common labels for a component: bazaar.labels (dict "root" $ "name" "catalog" "component" "api") */}}
{{- define "bazaar.labels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component | default "api" }}
app.kubernetes.io/part-of: bazaar
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
bazaar.io/environment: {{ .root.Values.environment }}
{{- end }}

{{/* Selector labels: stable across upgrades. */}}
{{- define "bazaar.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component | default "api" }}
{{- end }}

{{/* A service's merged settings: serviceDefaults overlaid with services.<name>. */}}
{{- define "bazaar.service" -}}
{{- $svc := index .root.Values.services .name | default dict -}}
{{- toYaml (mergeOverwrite (deepCopy .root.Values.serviceDefaults) (deepCopy $svc)) -}}
{{- end }}

{{/*
Image reference for a component: registry/bazaar/<name>@digest, else :tag, else :appVersion. Where images.requireDigests
is set (staging, prod) a component without a digest fails the render, naming it, instead of pulling whatever a tag
points at (or an appVersion tag nobody pushed).
*/}}
{{- define "bazaar.image" -}}
{{- $images := .root.Values.images -}}
{{- $repo := printf "bazaar/%s" .name -}}
{{- if $images.registry }}{{ $repo = printf "%s/%s" $images.registry $repo }}{{ end -}}
{{- $digest := index ($images.digests | default dict) .name | default "" -}}
{{- $tag := index ($images.tags | default dict) .name | default .root.Chart.AppVersion -}}
{{- if $digest }}{{ printf "%s@%s" $repo $digest }}
{{- else if $images.requireDigests }}{{ fail (printf "images.digests.%s is not set: %s runs only images pinned by digest, which the deploy workflow writes to releases/%s.yaml" .name .root.Values.environment .root.Values.environment) }}
{{- else }}{{ printf "%s:%s" $repo $tag }}{{ end -}}
{{- end }}

{{/* Pod-level security context (Pod Security Standard "restricted"). */}}
{{- define "bazaar.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Container-level security context (Pod Security Standard "restricted", read-only root). */}}
{{- define "bazaar.containerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Topology spread over zones and nodes for one component. */}}
{{- define "bazaar.topologySpread" -}}
- maxSkew: 1
  topologyKey: topology.kubernetes.io/zone
  whenUnsatisfiable: {{ .root.Values.topologySpread.zoneWhenUnsatisfiable }}
  labelSelector:
    matchLabels:
      {{- include "bazaar.selectorLabels" . | nindent 6 }}
  matchLabelKeys: [pod-template-hash]
- maxSkew: 1
  topologyKey: kubernetes.io/hostname
  whenUnsatisfiable: {{ .root.Values.topologySpread.nodeWhenUnsatisfiable }}
  labelSelector:
    matchLabels:
      {{- include "bazaar.selectorLabels" . | nindent 6 }}
  matchLabelKeys: [pod-template-hash]
{{- end }}

{{/*
Spot placement for a stateless Deployment (values: spot): tolerate the spot node group's taint, prefer spot weakly,
and spread over capacity types so replicas stay split between on-demand and spot. Nothing when spot is off.
Call with (dict "root" $ "name" "catalog" "component" "api"); bazaar.spotSpread adds the topology constraint.
*/}}
{{- define "bazaar.spotScheduling" -}}
{{- if .root.Values.spot.enabled }}
tolerations:
  - key: bazaar.io/spot
    operator: Equal
    value: "true"
    effect: NoSchedule
affinity:
  nodeAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: {{ .root.Values.spot.preferenceWeight }}
        preference:
          matchExpressions:
            - {key: eks.amazonaws.com/capacityType, operator: In, values: [SPOT]}
{{- end }}
{{- end }}

{{- define "bazaar.spotSpread" -}}
{{- if .root.Values.spot.enabled }}
- maxSkew: 1
  topologyKey: eks.amazonaws.com/capacityType
  whenUnsatisfiable: ScheduleAnyway
  labelSelector:
    matchLabels:
      {{- include "bazaar.selectorLabels" . | nindent 6 }}
  matchLabelKeys: [pod-template-hash]
{{- end }}
{{- end }}

{{/* PriorityClass name for a class key (priorityClasses in values.yaml; checkout is the only one). */}}
{{- define "bazaar.priorityClassName" -}}
{{- printf "bazaar-%s-%s" .root.Values.environment .class -}}
{{- end }}

{{/* Secrets Manager key for a secret under the environment's prefix. */}}
{{- define "bazaar.secretKey" -}}
{{- printf "%s/%s" .root.Values.externalSecrets.keyPrefix .key -}}
{{- end }}

{{/*
One Deployment, a service's or the edge's: rolling one pod at a time, spread over zones and nodes, read-only and
non-root. What differs is passed in: root, name, component, svc (autoscaling, resources, priorityClass), uid, args,
env (rendered), probes (rendered), preStopSeconds, preStopWhy, graceSeconds, tmpSize.
*/}}
{{- define "bazaar.deployment" -}}
{{- $ctx := dict "root" .root "name" .name "component" .component }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .name }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "bazaar.labels" $ctx | nindent 4 }}
spec:
  # The HPA owns the replica count; this is only the size of a first install.
  replicas: {{ .svc.autoscaling.minReplicas }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "bazaar.selectorLabels" $ctx | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "bazaar.labels" $ctx | nindent 8 }}
    spec:
      serviceAccountName: {{ .name }}
      automountServiceAccountToken: false
      priorityClassName: {{ include "bazaar.priorityClassName" (dict "root" .root "class" .svc.priorityClass) }}
      securityContext:
        {{- include "bazaar.podSecurityContext" (dict "uid" .uid) | nindent 8 }}
      topologySpreadConstraints:
        {{- include "bazaar.topologySpread" $ctx | nindent 8 }}
        {{- include "bazaar.spotSpread" $ctx | nindent 8 }}
      {{- include "bazaar.spotScheduling" $ctx | nindent 6 }}
      terminationGracePeriodSeconds: {{ .graceSeconds }}
      containers:
        - name: {{ .name }}
          image: {{ include "bazaar.image" (dict "root" .root "name" .name) }}
          imagePullPolicy: {{ .root.Values.images.pullPolicy }}
          {{- with .args }}
          args: {{ . }}
          {{- end }}
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
          {{- with .env }}
          env:
            {{- . | nindent 12 }}
          {{- end }}
          {{- .probes | nindent 10 }}
          lifecycle:
            {{- with .preStopWhy }}
            # {{ . }}
            {{- end }}
            preStop:
              sleep: {seconds: {{ .preStopSeconds }}}
          resources:
            requests:
              cpu: {{ .svc.resources.requests.cpu | quote }}
              memory: {{ .svc.resources.requests.memory | quote }}
            limits:
              cpu: {{ .svc.resources.limits.cpu | quote }}
              memory: {{ .svc.resources.limits.memory | quote }}
          securityContext:
            {{- include "bazaar.containerSecurityContext" . | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ .tmpSize }}
{{- end }}
