# The cluster's platform controllers, installed with Helm by Terraform right after the cluster and the IAM roles
# they use exist: AWS Load Balancer Controller, External Secrets, ExternalDNS, Karpenter, the ADOT collector,
# Velero and the Prometheus stack, and Karpenter's EC2NodeClass and NodePools from a local chart. Every chart is
# pinned to an exact version (policy test `helm-charts-pinned`); upgrades are a reviewed change of that version. AWS credentials come from EKS Pod Identity associations created
# next to each role (modules/workload-identity, modules/eks, modules/backup), so no ServiceAccount carries a role
# annotation here. Everything runs on the `system` node group (taint CriticalAddonsOnly), never on Karpenter's nodes.

locals {
  system_pods = {
    tolerations  = [{ key = "CriticalAddonsOnly", operator = "Exists", effect = "NoSchedule" }]
    nodeSelector = { "bazaar.io/node-group" = "system" }
  }
  # Repository root, for the monitoring configuration the collector shares with local runs.
  repo_root = "${path.module}/../../.."
}

resource "helm_release" "aws_load_balancer_controller" {
  name       = "aws-load-balancer-controller"
  namespace  = "kube-system"
  repository = "https://aws.github.io/eks-charts"
  chart      = "aws-load-balancer-controller"
  version    = "1.13.3"

  values = [yamlencode(merge(local.system_pods, {
    clusterName    = var.name
    region         = var.region
    vpcId          = var.vpc_id
    replicaCount   = 2
    serviceAccount = { create = true, name = "aws-load-balancer-controller" }
    # Ingresses of other classes are not ours; the Bazaar Ingress uses class alb and group bazaar.
    createIngressClassResource  = true
    ingressClass                = "alb"
    enableServiceMutatorWebhook = false
  }))]
}

# The controller only: the chart's SecretStore (deploy/helm/bazaar) authenticates to Secrets Manager as the
# ServiceAccount bazaar/secrets-reader (IRSA role bazaar-<env>-external-secrets), so the controller needs no AWS role.
resource "helm_release" "external_secrets" {
  name             = "external-secrets"
  namespace        = "external-secrets"
  create_namespace = true
  repository       = "https://charts.external-secrets.io"
  chart            = "external-secrets"
  version          = "0.18.2"

  values = [yamlencode(merge(local.system_pods, {
    installCRDs    = true
    serviceAccount = { create = true, name = "external-secrets" }
    webhook        = local.system_pods
    certController = local.system_pods
  }))]

  depends_on = [helm_release.aws_load_balancer_controller] # its webhook must answer before Services are created
}

# Only names that opt in (annotation bazaar.io/external-dns: "true") and only in this environment's zone, never
# deleting what it did not create: Terraform owns the storefront apex, health.<domain> and media.<domain>
# (modules/edge), and the Bazaar Ingress carries no opt-in annotation.
resource "helm_release" "external_dns" {
  name             = "external-dns"
  namespace        = "external-dns"
  create_namespace = true
  repository       = "https://kubernetes-sigs.github.io/external-dns/"
  chart            = "external-dns"
  version          = "1.17.0"

  values = [yamlencode(merge(local.system_pods, {
    provider       = { name = "aws" }
    env            = [{ name = "AWS_DEFAULT_REGION", value = var.region }]
    serviceAccount = { create = true, name = "external-dns" }
    domainFilters  = [var.domain_name]
    sources        = ["service", "ingress"]
    policy         = "upsert-only"
    registry       = "txt"
    txtOwnerId     = var.name
    extraArgs      = ["--annotation-filter=bazaar.io/external-dns in (true)"]
  }))]
}

resource "helm_release" "karpenter" {
  name       = "karpenter"
  namespace  = "kube-system"
  repository = "oci://public.ecr.aws/karpenter"
  chart      = "karpenter"
  version    = "1.5.0"

  values = [yamlencode(merge(local.system_pods, {
    serviceAccount = { create = true, name = "karpenter" }
    replicas       = 2
    settings = {
      clusterName       = var.name
      interruptionQueue = var.karpenter.interruption_queue
    }
    controller = { resources = { requests = { cpu = "250m", memory = "512Mi" }, limits = { memory = "512Mi" } } }
  }))]
}

# --- Karpenter's capacity ----------------------------------------------------------------------------------------

# What Karpenter may launch: one EC2NodeClass and two NodePools, general (on-demand) and spot, in the same shape as
# the managed node groups (modules/eks): label bazaar.io/node-group, the spot taint the chart tolerates
# (deploy/helm/bazaar spot.enabled), IMDSv2 with one hop, encrypted gp3 root volumes with the EBS key, the cluster
# security group. eks.amazonaws.com/capacityType is set too, because the chart spreads and prefers by that label.
# The objects are written out here, literally, so the policy test `karpenter-capacity` can read them; the local chart
# charts/karpenter-capacity only renders them, after the Karpenter release has installed the CRDs.
locals {
  karpenter_node_class = {
    role                       = var.karpenter.node_role_name                         # Karpenter manages the instance profile of this role
    amiSelectorTerms           = [{ alias = "al2023@latest" }]                        # new AMIs roll out as drift, paced by the budgets
    subnetSelectorTerms        = [{ tags = { "karpenter.sh/discovery" = var.name } }] # private-app subnets (modules/network)
    securityGroupSelectorTerms = [{ id = var.karpenter.node_security_group_id }]
    metadataOptions = {
      httpEndpoint            = "enabled"
      httpProtocolIPv6        = "disabled"
      httpTokens              = "required"
      httpPutResponseHopLimit = 1
    }
    blockDeviceMappings = [{
      deviceName = "/dev/xvda"
      ebs = {
        volumeSize          = "50Gi"
        volumeType          = "gp3"
        encrypted           = true
        kmsKeyID            = var.karpenter.ebs_kms_key_arn
        deleteOnTermination = true
      }
    }]
    tags = var.tags # the SCP denies ec2:RunInstances without the cost tags
  }

  karpenter_architectures = var.karpenter_capacity.graviton ? ["arm64", "amd64"] : ["amd64"]

  karpenter_node_pools = {
    general = {
      template = {
        metadata = { labels = { "bazaar.io/node-group" = "general", "eks.amazonaws.com/capacityType" = "ON_DEMAND" } }
        spec = {
          nodeClassRef = { group = "karpenter.k8s.aws", kind = "EC2NodeClass", name = "default" }
          requirements = [
            { key = "karpenter.sh/capacity-type", operator = "In", values = ["on-demand"] },
            { key = "karpenter.k8s.aws/instance-family", operator = "In", values = var.karpenter_capacity.instance_families },
            { key = "kubernetes.io/arch", operator = "In", values = local.karpenter_architectures },
            { key = "kubernetes.io/os", operator = "In", values = ["linux"] },
            { key = "karpenter.k8s.aws/instance-cpu", operator = "Lt", values = ["33"] },
          ]
          expireAfter = "720h"
        }
      }
      limits = {
        cpu    = tostring(var.karpenter_capacity.limits["general"].cpu)
        memory = "${var.karpenter_capacity.limits["general"].memory_gi}Gi"
      }
      disruption = {
        consolidationPolicy = "WhenEmptyOrUnderutilized"
        consolidateAfter    = var.karpenter_capacity.consolidate_after
        budgets             = [{ nodes = var.karpenter_capacity.disruption_budget }]
      }
    }
    # Higher weight: pods that tolerate spot get spot first; general takes them when spot is short or at its limit.
    spot = {
      weight = 50
      template = {
        metadata = { labels = { "bazaar.io/node-group" = "spot", "eks.amazonaws.com/capacityType" = "SPOT" } }
        spec = {
          nodeClassRef = { group = "karpenter.k8s.aws", kind = "EC2NodeClass", name = "default" }
          taints       = [{ key = "bazaar.io/spot", value = "true", effect = "NoSchedule" }]
          requirements = [
            { key = "karpenter.sh/capacity-type", operator = "In", values = ["spot"] },
            { key = "karpenter.k8s.aws/instance-family", operator = "In", values = var.karpenter_capacity.instance_families },
            { key = "kubernetes.io/arch", operator = "In", values = local.karpenter_architectures },
            { key = "kubernetes.io/os", operator = "In", values = ["linux"] },
            { key = "karpenter.k8s.aws/instance-cpu", operator = "Lt", values = ["33"] },
          ]
          expireAfter = "720h"
        }
      }
      limits = {
        cpu    = tostring(var.karpenter_capacity.limits["spot"].cpu)
        memory = "${var.karpenter_capacity.limits["spot"].memory_gi}Gi"
      }
      disruption = {
        consolidationPolicy = "WhenEmptyOrUnderutilized"
        consolidateAfter    = var.karpenter_capacity.consolidate_after
        budgets             = [{ nodes = var.karpenter_capacity.disruption_budget }]
      }
    }
  }
}

resource "helm_release" "karpenter_capacity" {
  name      = "karpenter-capacity"
  namespace = "kube-system"
  chart     = "${path.module}/charts/karpenter-capacity"
  version   = "1.0.0" # charts/karpenter-capacity/Chart.yaml

  values = [yamlencode({
    nodeClasses = { default = local.karpenter_node_class }
    nodePools   = local.karpenter_node_pools
  })]

  depends_on = [helm_release.karpenter] # its CRDs (EC2NodeClass, NodePool) and webhooks first
}

# AWS Distro for OpenTelemetry: the services' OTLP (deploy/helm/bazaar telemetry.otlpEndpoint,
# http://adot-collector.observability.svc.cluster.local:4317) to AMP, X-Ray and CloudWatch Logs, with the
# configuration in monitoring/otel/adot-collector.yaml; every ${env:...} it reads is set in extraEnvs (the check
# deploy/checks/monitoring.test.mjs holds the two together). Its AWS role comes through Pod Identity
# (observability/adot-collector, modules/workload-identity). The prometheus/up receiver discovers the Bazaar pods
# (kubernetes_sd, role pod), so the collector's ClusterRole may get, list and watch pods, nothing else.
resource "helm_release" "adot_collector" {
  name             = "adot-collector"
  namespace        = "observability"
  create_namespace = true
  repository       = "https://open-telemetry.github.io/opentelemetry-helm-charts"
  chart            = "opentelemetry-collector"
  version          = "0.126.0"

  values = [yamlencode(merge(local.system_pods, {
    mode             = "deployment"
    replicaCount     = 2
    fullnameOverride = "adot-collector"
    image            = { repository = "public.ecr.aws/aws-observability/aws-otel-collector", tag = "v0.43.3" }
    command          = { name = "awscollector" }
    serviceAccount   = { create = true, name = "adot-collector" }
    clusterRole = {
      create = true
      name   = "adot-collector"
      rules  = [{ apiGroups = [""], resources = ["pods"], verbs = ["get", "list", "watch"] }]
    }
    extraEnvs = [
      { name = "AWS_REGION", value = var.region },
      { name = "AMP_REMOTE_WRITE_URL", value = var.prometheus_remote_write_url },
      { name = "BAZAAR_ENVIRONMENT", value = var.environment },
      { name = "BAZAAR_LOG_GROUP", value = var.application_log_group },
    ]
    config = yamldecode(file("${local.repo_root}/monitoring/otel/adot-collector.yaml"))
  }))]
}

resource "helm_release" "velero" {
  name             = "velero"
  namespace        = "velero"
  create_namespace = true
  repository       = "https://vmware-tanzu.github.io/helm-charts"
  chart            = "velero"
  version          = "10.0.4"

  values = [yamlencode(merge(local.system_pods, {
    serviceAccount = { server = { create = true, name = "velero" } }
    credentials    = { useSecret = false } # Pod Identity
    initContainers = [{
      name         = "velero-plugin-for-aws"
      image        = "velero/velero-plugin-for-aws:v1.12.1"
      volumeMounts = [{ mountPath = "/target", name = "plugins" }]
    }]
    configuration = {
      backupStorageLocation    = [{ name = "default", provider = "aws", bucket = var.velero_bucket, config = { region = var.region } }]
      volumeSnapshotLocation   = [{ name = "default", provider = "aws", config = { region = var.region } }]
      defaultVolumesToFsBackup = false
    }
    schedules = {
      daily = { schedule = "0 2 * * *", template = { ttl = "720h", includedNamespaces = ["bazaar"] } }
    }
  }))]
}

# Prometheus Operator (the CRDs the chart's ServiceMonitors use), kube-state-metrics and node-exporter, and a
# Prometheus in agent mode that scrapes them and remote-writes to AMP (signed with SigV4 through Pod Identity).
# No Alertmanager and no Grafana here: the alert rules are evaluated in AMP (modules/observability loads
# monitoring/rules) and Grafana is the managed workspace.
resource "helm_release" "prometheus_stack" {
  name             = "kube-prometheus-stack"
  namespace        = "monitoring"
  create_namespace = true
  repository       = "https://prometheus-community.github.io/helm-charts"
  chart            = "kube-prometheus-stack"
  version          = "75.6.1"

  values = [yamlencode({
    defaultRules       = { create = false }
    alertmanager       = { enabled = false }
    grafana            = { enabled = false }
    prometheusOperator = local.system_pods
    prometheus = {
      agentMode      = true
      serviceAccount = { create = true, name = "kube-prometheus-stack-prometheus" }
      prometheusSpec = merge(local.system_pods, {
        serviceMonitorSelectorNilUsesHelmValues = false
        podMonitorSelectorNilUsesHelmValues     = false
        remoteWrite = [{
          url   = var.prometheus_remote_write_url
          sigv4 = { region = var.region }
        }]
        externalLabels = { environment = var.environment, cluster = var.name }
      })
    }
  })]
}

output "releases" {
  description = "Installed charts and their versions."
  value = {
    for r in [
      helm_release.aws_load_balancer_controller, helm_release.external_secrets, helm_release.external_dns,
      helm_release.karpenter, helm_release.karpenter_capacity, helm_release.adot_collector, helm_release.velero, helm_release.prometheus_stack,
    ] : r.name => "${r.chart}-${r.version}"
  }
}
