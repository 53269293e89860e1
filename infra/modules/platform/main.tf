# Everything one environment runs, wired together. Environment roots (infra/envs/*) pass the validated settings
# and nothing else, so the difference between dev and prod is the settings block in each root, and every
# invariant (encryption, TLS, private endpoints, flow logs, backups) lives here or in the modules below.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_elb_service_account" "this" {}

locals {
  s       = var.settings
  name    = local.s.name
  account = data.aws_caller_identity.current.account_id
  region  = data.aws_region.current.region

  # Bucket names are global: the account id keeps them unique and unguessable enough.
  bucket_prefix = "${local.name}-${local.account}"

  # dev runs the chart's own two Redis (settings redis.mode = inCluster): no ElastiCache, no Redis secrets or alarms.
  redis_external = local.s.redis.mode == "external"

  autoscaling_role = "arn:aws:iam::${local.account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
}

module "kms" {
  source = "../kms"
  name   = local.name
  keys = {
    eks-secrets = { description = "Kubernetes Secrets envelope encryption" }
    ebs         = { description = "node and persistent volumes", role_principals = [local.autoscaling_role] }
    data        = { description = "Aurora, ElastiCache, Performance Insights, backups", service_principals = ["backup.amazonaws.com"] }
    secrets     = { description = "Secrets Manager secrets" }
    s3          = { description = "media, artifacts and Velero buckets", service_principals = ["cloudfront.amazonaws.com"] }
    prometheus  = { description = "Amazon Managed Prometheus workspace" }
    alerts      = { description = "alarm topic", service_principals = ["cloudwatch.amazonaws.com", "budgets.amazonaws.com", "aps.amazonaws.com"] }
    logs = {
      description        = "CloudWatch log groups"
      service_principals = ["logs.${local.region}.amazonaws.com"]
      service_conditions = [{
        test     = "ArnLike"
        variable = "kms:EncryptionContext:aws:logs:arn"
        values   = ["arn:aws:logs:${local.region}:${local.account}:log-group:*"]
      }]
    }
  }
}

module "network" {
  source = "../network"

  name                = local.name
  cluster_name        = local.name
  vpc_cidr            = local.s.vpc_cidr
  az_count            = local.s.az_count
  subnets             = local.s.subnets
  nat_gateway_per_az  = local.s.nat_gateway_per_az
  logs_kms_key_arn    = module.kms.key_arns["logs"]
  log_retention_days  = local.s.log_retention_days
  transit_gateway_asn = var.transit_gateway_asn
}

# --- buckets ---------------------------------------------------------------------------------------------------

# Account-wide backstop under the per-bucket blocks; the no-public-s3 SCP keeps anyone from lifting it.
resource "aws_s3_account_public_access_block" "this" {
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

data "aws_iam_policy_document" "logs_bucket" {
  statement {
    sid       = "ServerAccessLogs"
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::${local.bucket_prefix}-logs/s3/*"]
    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
  statement {
    sid       = "AlbAccessLogs"
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::${local.bucket_prefix}-logs/alb/AWSLogs/${local.account}/*"]
    principals {
      type        = "AWS"
      identifiers = [data.aws_elb_service_account.this.arn] # eu-west-1 and eu-central-1 deliver from ELB's account
    }
  }
  statement {
    sid       = "ConfigChecksBucket"
    actions   = ["s3:GetBucketAcl", "s3:ListBucket"]
    resources = ["arn:aws:s3:::${local.bucket_prefix}-logs"]
    principals {
      type        = "Service"
      identifiers = ["config.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
  statement {
    sid       = "ConfigDelivers"
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::${local.bucket_prefix}-logs/config/AWSLogs/${local.account}/*"]
    principals {
      type        = "Service"
      identifiers = ["config.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

# SSE-S3, not KMS: ALB access logs can only be delivered to SSE-S3 buckets.
module "logs_bucket" {
  source = "../s3-bucket"

  name        = "${local.bucket_prefix}-logs"
  kms_key_arn = null
  lifecycle_rules = {
    transition_to_ia_days  = 30
    expire_current_days    = max(local.s.log_retention_days, 90)
    expire_noncurrent_days = 30
  }
  policy_statements_json = data.aws_iam_policy_document.logs_bucket.json
}

module "media_bucket" {
  source = "../s3-bucket"

  name              = "${local.bucket_prefix}-media"
  kms_key_arn       = module.kms.key_arns["s3"]
  access_log_bucket = module.logs_bucket.id
  lifecycle_rules = {
    transition_to_ia_days  = 90 # old product images are rarely requested past the CDN
    expire_noncurrent_days = 30
  }
  policy_statements_json = module.edge.media_bucket_policy_json
}

module "artifacts_bucket" {
  source = "../s3-bucket"

  name              = "${local.bucket_prefix}-artifacts"
  kms_key_arn       = module.kms.key_arns["s3"]
  access_log_bucket = module.logs_bucket.id
  lifecycle_rules = {
    expire_current_days    = 90 # canary screenshots, build reports, exported plans
    expire_noncurrent_days = 7
  }
}

module "velero_bucket" {
  source = "../s3-bucket"

  name              = "${local.bucket_prefix}-velero"
  kms_key_arn       = module.kms.key_arns["s3"]
  access_log_bucket = module.logs_bucket.id
  lifecycle_rules = {
    transition_to_ia_days  = 30
    expire_current_days    = local.s.backup.retention_days + 7 # Velero prunes by TTL; this catches leftovers
    expire_noncurrent_days = 7
  }
}

# --- compute ---------------------------------------------------------------------------------------------------

module "eks" {
  source = "../eks"

  name                = local.name
  kubernetes_version  = local.s.kubernetes_version
  vpc_cidr            = module.network.vpc_cidr
  subnet_ids          = module.network.private_app_subnet_ids
  node_groups         = local.s.node_groups
  node_ami_types      = local.s.node_ami_types
  secrets_kms_key_arn = module.kms.key_arns["eks-secrets"]
  ebs_kms_key_arn     = module.kms.key_arns["ebs"]
  logs_kms_key_arn    = module.kms.key_arns["logs"]
  log_retention_days  = local.s.log_retention_days
  admin_role_arn      = var.admin_role_arn
  deploy_role_arn     = var.deploy_role_arn
  terraform_role_arns = {
    apply = "arn:aws:iam::${local.account}:role/bazaar-terraform"
    plan  = "arn:aws:iam::${local.account}:role/bazaar-terraform-readonly"
  }
}

# --- data ------------------------------------------------------------------------------------------------------

module "aurora" {
  source = "../aurora"

  name                                = local.name
  environment                         = local.s.environment
  services                            = local.s.services
  vpc_id                              = module.network.vpc_id
  subnet_ids                          = module.network.private_data_subnet_ids
  client_cidrs                        = module.network.private_app_cidrs
  engine_version                      = local.s.aurora.engine_version
  serverless                          = local.s.aurora.serverless
  min_capacity_acu                    = local.s.aurora.min_capacity_acu
  max_capacity_acu                    = local.s.aurora.max_capacity_acu
  instance_class                      = local.s.aurora.instance_class
  reader_count                        = local.s.aurora.reader_count
  backup_retention_days               = local.s.aurora.backup_retention_days
  deletion_protection                 = local.s.deletion_protection
  kms_key_arn                         = module.kms.key_arns["data"]
  secrets_kms_key_arn                 = module.kms.key_arns["secrets"]
  performance_insights_retention_days = local.s.aurora.performance_insights_retention_days
  enhanced_monitoring_interval        = local.s.aurora.monitoring_interval_seconds
}

# Two replication groups (ADR 0015): "cache" evicts the least recently used key when full, "state" never evicts.
module "redis" {
  source   = "../redis"
  for_each = local.redis_external ? toset(["cache", "state"]) : toset([])

  name                = local.name
  role                = each.key
  environment         = local.s.environment
  vpc_id              = module.network.vpc_id
  subnet_ids          = module.network.private_data_subnet_ids
  client_cidrs        = module.network.private_app_cidrs
  engine_version      = local.s.redis.engine_version
  node_type           = local.s.redis.node_type
  num_cache_clusters  = local.s.redis.num_cache_clusters
  multi_az            = local.s.multi_az
  kms_key_arn         = module.kms.key_arns["data"]
  secrets_kms_key_arn = module.kms.key_arns["secrets"]
  logs_kms_key_arn    = module.kms.key_arns["logs"]
  log_retention_days  = local.s.log_retention_days
}

# --- application secrets ---------------------------------------------------------------------------------------

# The rest of the chart's secret contract (deploy/helm/bazaar/templates/secrets.yaml): service client credentials,
# identity's key-encryption key, the payments sandbox's keys (payments refuses the published development ones outside
# Development), and the SES SMTP credentials (filled in by hand: SES issues them to an IAM user,
# which Terraform here does not create).
resource "random_password" "client_secret" {
  for_each = toset(local.s.services)
  length   = 48
  special  = false
}

resource "random_bytes" "key_encryption_key" {
  length = 32
}

resource "random_password" "sandbox" {
  for_each = toset(["fingerprintKey", "webhookSecret"])
  length   = 48
  special  = false
}

resource "aws_secretsmanager_secret" "app" {
  for_each = {
    service-clients               = "Client credentials each service uses to get service tokens from identity"
    "identity/key-encryption-key" = "Wraps identity's token signing keys at rest"
    "payments/sandbox"            = "Keys of the payments sandbox: card fingerprints and webhook signatures"
    smtp                          = "SES SMTP credentials (set by hand)"
  }

  name                    = "bazaar/${local.s.environment}/${each.key}"
  description             = each.value
  kms_key_id              = module.kms.key_arns["secrets"]
  recovery_window_in_days = local.s.deletion_protection ? 30 : 7
}

resource "aws_secretsmanager_secret_version" "service_clients" {
  secret_id     = aws_secretsmanager_secret.app["service-clients"].id
  secret_string = jsonencode({ for service, secret in random_password.client_secret : service => secret.result })
}

resource "aws_secretsmanager_secret_version" "payments_sandbox" {
  secret_id     = aws_secretsmanager_secret.app["payments/sandbox"].id
  secret_string = jsonencode({ for name, secret in random_password.sandbox : name => secret.result })
}

resource "aws_secretsmanager_secret_version" "key_encryption_key" {
  secret_id     = aws_secretsmanager_secret.app["identity/key-encryption-key"].id
  secret_string = random_bytes.key_encryption_key.base64
}

module "workload_identity" {
  source = "../workload-identity"

  name              = local.name
  cluster_name      = module.eks.cluster_name
  oidc_provider_arn = module.eks.oidc_provider_arn
  oidc_issuer       = module.eks.oidc_issuer
  app_secret_arns = concat(
    values(module.aurora.service_secret_arns),
    [for redis in module.redis : redis.secret_arn],
    [for secret in aws_secretsmanager_secret.app : secret.arn],
  )
  service_secret_arns       = module.aurora.service_secret_arns
  redis_secret_arns         = { for role, redis in module.redis : role => redis.secret_arn }
  redis_clients             = local.redis_external ? local.s.redis_clients : {}
  master_secret_arn         = module.aurora.master_secret_arn
  secrets_kms_key_arn       = module.kms.key_arns["secrets"]
  media_bucket_arn          = module.media_bucket.arn
  media_kms_key_arn         = module.kms.key_arns["s3"]
  hosted_zone_arn           = module.edge.zone_arn
  prometheus_workspace_arn  = module.observability.prometheus_workspace_arn
  application_log_group_arn = module.observability.application_log_group_arn
}

# --- cluster add-ons -------------------------------------------------------------------------------------------

module "cluster_addons" {
  source = "../cluster-addons"

  name                        = module.eks.cluster_name
  environment                 = local.s.environment
  region                      = local.region
  vpc_id                      = module.network.vpc_id
  domain_name                 = local.s.domain_name
  karpenter                   = module.eks.karpenter
  karpenter_capacity          = merge(local.s.karpenter, { graviton = local.s.graviton })
  tags                        = local.s.tags
  velero_bucket               = module.velero_bucket.id
  prometheus_remote_write_url = module.observability.prometheus_remote_write_url
  application_log_group       = module.observability.application_log_group

  # Controllers start on the managed node groups, after the add-ons the nodes need and the roles they assume.
  depends_on = [module.eks, module.workload_identity, module.backup]
}

# --- edge ------------------------------------------------------------------------------------------------------

module "edge" {
  source    = "../edge"
  providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }

  name                              = local.name
  domain_name                       = local.s.domain_name
  cluster_name                      = local.name
  ingress_alb_ready                 = var.ingress_alb_ready
  media_bucket_id                   = "${local.bucket_prefix}-media"
  media_bucket_regional_domain_name = module.media_bucket.regional_domain_name
  logs_kms_key_arn                  = module.kms.key_arns["logs"]
  log_retention_days                = local.s.log_retention_days
  waf_rate_limit_per_5min           = local.s.waf.rate_limit_per_5min
  waf_blocked_countries             = local.s.waf.blocked_countries
}

# --- operations ------------------------------------------------------------------------------------------------

# Filled in by hand once (the synthetic customer's e-mail, password, address and sandbox card token).
resource "aws_secretsmanager_secret" "canary_customer" {
  name                    = "bazaar/${local.s.environment}/canary-customer"
  description             = "Synthetic customer the checkout canary signs in as"
  kms_key_id              = module.kms.key_arns["secrets"]
  recovery_window_in_days = 7
}

module "observability" {
  source = "../observability"

  name                        = local.name
  environment                 = local.s.environment
  domain_name                 = local.s.domain_name
  alert_email                 = local.s.alert_email
  logs_kms_key_arn            = module.kms.key_arns["logs"]
  alerts_kms_key_arn          = module.kms.key_arns["alerts"]
  prometheus_kms_key_arn      = module.kms.key_arns["prometheus"]
  log_retention_days          = local.s.log_retention_days
  artifacts_bucket_id         = module.artifacts_bucket.id
  artifacts_bucket_arn        = module.artifacts_bucket.arn
  artifacts_kms_key_arn       = module.kms.key_arns["s3"]
  aurora_cluster_identifier   = module.aurora.cluster_identifier
  redis_replication_group_ids = { for role, redis in module.redis : role => redis.replication_group_id }
  alb_arn_suffix              = module.edge.alb_arn_suffix
  canary_user_secret_arn      = aws_secretsmanager_secret.canary_customer.arn
  canary_places_orders        = local.s.canary.place_order
}

module "security" {
  source = "../security"

  name                = local.name
  config_bucket_id    = module.logs_bucket.id
  config_kms_key_arn  = null # the logs bucket is SSE-S3 (see above)
  multi_az            = local.s.multi_az
  deletion_protection = local.s.deletion_protection
}

module "backup" {
  source    = "../backup"
  providers = { aws = aws, aws.dr = aws.dr }

  name               = local.name
  kms_key_arn        = module.kms.key_arns["data"]
  retention_days     = local.s.backup.retention_days
  cross_region_copy  = local.s.backup.cross_region_copy
  vault_lock         = local.s.backup.vault_lock
  resource_arns      = [module.aurora.cluster_arn, module.media_bucket.arn]
  cluster_name       = module.eks.cluster_name
  velero_bucket_id   = module.velero_bucket.id
  velero_bucket_arn  = module.velero_bucket.arn
  velero_kms_key_arn = module.kms.key_arns["s3"]
}

module "cost" {
  source = "../cost"

  name               = local.name
  monthly_budget_usd = local.s.monthly_budget_usd
  alert_email        = local.s.alert_email
  alerts_topic_arn   = module.observability.alerts_topic_arn
}
