# One IAM role per Bazaar service, bound to the service's Kubernetes ServiceAccount (the chart's IRSA annotation,
# and an EKS Pod Identity association), each allowed exactly what that service touches: its own secret (and the
# secret of the Redis it uses, if any), and for catalog its media bucket. Plus the role the chart's External Secrets
# store uses, and the roles of the cluster controllers.

terraform {
  required_version = "~> 1.11.0"
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 6.0" }
  }
}

variable "name" {
  description = "Name prefix, e.g. bazaar-prod."
  type        = string
}

variable "cluster_name" {
  description = "EKS cluster the ServiceAccounts live in."
  type        = string
}

variable "namespace" {
  description = "Namespace of the Bazaar services."
  type        = string
  default     = "bazaar"
}

variable "oidc_provider_arn" {
  description = "IAM OIDC provider of the cluster, for IRSA."
  type        = string
}

variable "oidc_issuer" {
  description = "Cluster OIDC issuer without https://."
  type        = string
}

variable "app_secret_arns" {
  description = "Every secret of the environment the chart syncs into Kubernetes (bazaar/<env>/*)."
  type        = list(string)
}

variable "service_secret_arns" {
  description = "Secrets Manager ARN of each service's own secret (database credentials), by service name."
  type        = map(string)
}

variable "redis_secret_arns" {
  description = "Secret holding each Redis's endpoint and AUTH token, by role (cache, state); empty without ElastiCache."
  type        = map(string)
}

variable "redis_clients" {
  description = "Services that use Redis, and the role of the Redis each one uses (cache or state)."
  type        = map(string)
}

variable "master_secret_arn" {
  description = "RDS-managed master user secret; only the migration job reads it (it creates the per-service databases)."
  type        = string
}

variable "secrets_kms_key_arn" {
  description = "KMS key the secrets are encrypted with."
  type        = string
}

variable "media_bucket_arn" {
  description = "Catalog's product image bucket."
  type        = string
}

variable "media_kms_key_arn" {
  description = "KMS key of the media bucket."
  type        = string
}

variable "hosted_zone_arn" {
  description = "The environment's hosted zone, the only one ExternalDNS may change."
  type        = string
}

variable "prometheus_workspace_arn" {
  description = "Amazon Managed Prometheus workspace the ADOT collector writes to."
  type        = string
}

variable "application_log_group_arn" {
  description = "Log group the ADOT collector ships the services' logs to."
  type        = string
}

data "aws_region" "current" {}

locals {
  services = keys(var.service_secret_arns)

  # The migration job runs once per release per service (ADR 0004); it reads the master secret to create the
  # service's database and role, and the service's secret for the role's password.
  workloads = concat(local.services, ["migrations"])
}

data "aws_iam_policy_document" "pod_identity_assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = ["pods.eks.amazonaws.com"]
    }
  }
}

# Trusted by the pods of one ServiceAccount only: through Pod Identity (the association below names it) or
# through IRSA (the token's subject names it).
data "aws_iam_policy_document" "workload_assume" {
  for_each = toset(concat(local.workloads, ["secrets-reader"]))

  source_policy_documents = [data.aws_iam_policy_document.pod_identity_assume.json]

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [var.oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${var.oidc_issuer}:sub"
      values   = ["system:serviceaccount:${var.namespace}:${each.key}"]
    }
    condition {
      test     = "StringEquals"
      variable = "${var.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "service" {
  for_each = toset(local.workloads)

  name               = "${var.name}-${each.key}"
  description        = "Bazaar ${each.key} in ${var.cluster_name}"
  assume_role_policy = data.aws_iam_policy_document.workload_assume[each.key].json
}

data "aws_iam_policy_document" "service" {
  for_each = toset(local.workloads)

  statement {
    sid     = "ReadOwnSecrets"
    actions = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = compact(concat(
      each.key == "migrations" ? concat(values(var.service_secret_arns), [var.master_secret_arn]) : [var.service_secret_arns[each.key]],
      contains(keys(var.redis_clients), each.key) ? [var.redis_secret_arns[var.redis_clients[each.key]]] : [],
    ))
  }

  statement {
    sid       = "DecryptThroughSecretsManagerOnly"
    actions   = ["kms:Decrypt"]
    resources = [var.secrets_kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${data.aws_region.current.region}.amazonaws.com"]
    }
  }

  dynamic "statement" {
    for_each = each.key == "catalog" ? [1] : []
    content {
      sid       = "ProductImages"
      actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
      resources = ["${var.media_bucket_arn}/products/*"]
    }
  }

  dynamic "statement" {
    for_each = each.key == "catalog" ? [1] : []
    content {
      sid       = "ListProductImages"
      actions   = ["s3:ListBucket"]
      resources = [var.media_bucket_arn]
      condition {
        test     = "StringLike"
        variable = "s3:prefix"
        values   = ["products/*"]
      }
    }
  }

  dynamic "statement" {
    for_each = each.key == "catalog" ? [1] : []
    content {
      sid       = "MediaKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [var.media_kms_key_arn]
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${data.aws_region.current.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "service" {
  for_each = toset(local.workloads)

  name   = "${each.key}-least-privilege"
  role   = aws_iam_role.service[each.key].id
  policy = data.aws_iam_policy_document.service[each.key].json
}

resource "aws_eks_pod_identity_association" "service" {
  for_each = toset(local.workloads)

  cluster_name    = var.cluster_name
  namespace       = var.namespace
  service_account = each.key
  role_arn        = aws_iam_role.service[each.key].arn
}

# --- controllers -----------------------------------------------------------------------------------------------

# The chart's SecretStore authenticates as ServiceAccount bazaar/secrets-reader and syncs the environment's
# secrets into Kubernetes Secrets, one per service; this role reads exactly those secrets, named one by one.
resource "aws_iam_role" "external_secrets" {
  name               = "${var.name}-external-secrets"
  assume_role_policy = data.aws_iam_policy_document.workload_assume["secrets-reader"].json
}

data "aws_iam_policy_document" "external_secrets" {
  statement {
    sid       = "ReadEnvironmentSecrets"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = var.app_secret_arns
  }
  statement {
    sid       = "DecryptThroughSecretsManagerOnly"
    actions   = ["kms:Decrypt"]
    resources = [var.secrets_kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${data.aws_region.current.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "external_secrets" {
  name   = "read-environment-secrets"
  role   = aws_iam_role.external_secrets.id
  policy = data.aws_iam_policy_document.external_secrets.json
}

resource "aws_iam_role" "adot" {
  name               = "${var.name}-adot-collector"
  assume_role_policy = data.aws_iam_policy_document.pod_identity_assume.json
}

data "aws_iam_policy_document" "adot" {
  statement {
    sid       = "RemoteWriteToOwnWorkspace"
    actions   = ["aps:RemoteWrite"]
    resources = [var.prometheus_workspace_arn]
  }
  statement {
    sid       = "ApplicationLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = [var.application_log_group_arn, "${var.application_log_group_arn}:log-stream:*"]
  }
  statement {
    sid       = "Traces"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"] # X-Ray has no resource-level permissions for these
  }
}

resource "aws_iam_role_policy" "adot" {
  name   = "remote-write-and-traces"
  role   = aws_iam_role.adot.id
  policy = data.aws_iam_policy_document.adot.json
}

# The collector (observability/adot-collector, modules/cluster-addons) and the Prometheus agent
# (monitoring/kube-prometheus-stack-prometheus) both remote-write to the workspace with this role.
resource "aws_eks_pod_identity_association" "adot" {
  for_each = {
    observability = "adot-collector"
    monitoring    = "kube-prometheus-stack-prometheus"
  }

  cluster_name    = var.cluster_name
  namespace       = each.key
  service_account = each.value
  role_arn        = aws_iam_role.adot.arn
}

# The load balancer controller and ExternalDNS policies are long and maintained upstream with the controllers;
# the community module tracks them, scoped here to this environment's hosted zone.
module "load_balancer_controller" {
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "~> 2.0"

  name                            = "${var.name}-aws-load-balancer-controller"
  use_name_prefix                 = false
  attach_aws_lb_controller_policy = true
}

resource "aws_eks_pod_identity_association" "load_balancer_controller" {
  cluster_name    = var.cluster_name
  namespace       = "kube-system"
  service_account = "aws-load-balancer-controller"
  role_arn        = module.load_balancer_controller.iam_role_arn
}

module "external_dns" {
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "~> 2.0"

  name                          = "${var.name}-external-dns"
  use_name_prefix               = false
  attach_external_dns_policy    = true
  external_dns_hosted_zone_arns = [var.hosted_zone_arn]
}

resource "aws_eks_pod_identity_association" "external_dns" {
  cluster_name    = var.cluster_name
  namespace       = "external-dns"
  service_account = "external-dns"
  role_arn        = module.external_dns.iam_role_arn
}

output "service_role_arns" {
  description = "Role ARN by workload (services and migrations), for the ServiceAccount annotations and SecretStores."
  value       = { for name, role in aws_iam_role.service : name => role.arn }
}

output "controller_role_arns" {
  description = "Role ARN by cluster controller (external_secrets is the chart's SecretStore role)."
  value = {
    aws_load_balancer_controller = module.load_balancer_controller.iam_role_arn
    external_dns                 = module.external_dns.iam_role_arn
    external_secrets             = aws_iam_role.external_secrets.arn
    adot_collector               = aws_iam_role.adot.arn
  }
}
