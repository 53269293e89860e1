// Proof that the policy fails when it should. Two kinds of test:
//  - mutations: one mistake planted in an otherwise real copy of infra/ (in memory) must be reported by the rule
//    that guards it. The planted text must still exist in the real file, so a refactor cannot silently turn a
//    mutation into a no-op.
//  - fixtures: small hand-written configurations, bad ones reported, good ones not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadTree, readInfra, repoRoot, treeFromSources } from './lib/hcl.mjs';
import { rules } from './lib/rules.mjs';

const byId = Object.fromEntries(rules.map((r) => [r.id, r]));

function mutate(file, find, replace) {
  const original = readInfra(file);
  assert.ok(original.includes(find), `mutation no longer applies: "${find}" is not in infra/${file}`);
  return { [file]: original.replace(find, replace) };
}

const mutations = [
  // the platform
  ['settings forget a service', 'modules/settings/main.tf', '"payments", "risk"]', '"payments"]', 'services-match-the-platform', 'missing risk'],
  ['bootstrap makes an image repository for a service that does not exist', 'bootstrap/main.tf', '"risk", "edge"', '"risk", "search", "edge"', 'services-match-the-platform', 'search'],
  // environments
  ['prod loses Multi-AZ', 'envs/prod/main.tf', 'multi_az            = true', 'multi_az            = false', 'prod-resilience', 'multi_az'],
  ['prod loses deletion protection', 'envs/prod/main.tf', 'deletion_protection = true', 'deletion_protection = false', 'prod-resilience', 'deletion_protection'],
  ['prod PITR shortened to 7 days', 'envs/prod/main.tf', 'backup_retention_days               = 35', 'backup_retention_days               = 7', 'prod-resilience', 'backup_retention_days'],
  ['prod shrinks to two zones', 'envs/prod/main.tf', 'az_count           = 3', 'az_count           = 2', 'prod-resilience', 'az_count'],
  ['prod stops copying backups to the DR region', 'envs/prod/main.tf', 'cross_region_copy = true', 'cross_region_copy = false', 'prod-resilience', 'cross-region'],
  ['dev drops the CostCenter tag', 'envs/dev/providers.tf', '    CostCenter  = "bazaar-dev"\n', '', 'required-tags', 'CostCenter'],
  ['the shared DR provider loses default_tags', 'envs/staging/shared-providers.tf', 'alias               = "dr"\n  region              = local.dr_region\n  allowed_account_ids = [local.account_id]\n  assume_role {\n    role_arn = "arn:aws:iam::${local.account_id}:role/${var.terraform_role}"\n  }\n  default_tags {\n    tags = local.tags\n  }', 'alias               = "dr"\n  region              = local.dr_region\n  allowed_account_ids = [local.account_id]\n  assume_role {\n    role_arn = "arn:aws:iam::${local.account_id}:role/${var.terraform_role}"\n  }', 'required-tags', '(dr)'],
  ['staging tags itself as prod', 'envs/staging/providers.tf', 'Environment = "staging"', 'Environment = "prod"', 'required-tags', 'Environment tag'],
  ['dev keeps backups for 0 days', 'envs/dev/main.tf', 'backup             = { retention_days = 7,', 'backup             = { retention_days = 0,', 'backups', 'retention_days'],
  ['prod settings validate another region than its providers use', 'envs/prod/main.tf', 'region      = local.region', 'region      = "eu-central-1"', 'env-regions-and-shared-files', 'module.settings region'],
  ['the shared DR provider hard-codes its region', 'envs/dev/shared-providers.tf', 'region              = local.dr_region', 'region              = "eu-west-2"', 'env-regions-and-shared-files', 'provider aws (dr) region'],
  ['staging moves to a region the SCP denies', 'envs/staging/providers.tf', 'region     = "eu-west-1"', 'region     = "us-west-2"', 'env-regions-and-shared-files', 'us-west-2'],
  ['the Helm token asked for in a fixed region', 'envs/prod/shared-providers.tf', '"--region", local.region', '"--region", "eu-west-1"', 'env-regions-and-shared-files', 'provider helm'],
  ['staging grows an extra module only it has', 'envs/staging/main.tf', 'module "platform" {', 'module "extra" {\n  source = "../../modules/cost"\n}\n\nmodule "platform" {', 'state-and-environments', 'shape'],
  ['dev locks state with DynamoDB', 'envs/dev/versions.tf', 'use_lockfile = true', 'dynamodb_table = "locks"', 'state-and-environments', 'use_lockfile'],
  ['prod bypasses the settings module', 'envs/prod/main.tf', 'settings            = module.settings.settings', 'settings            = { multi_az = false }', 'settings-reach-resources', 'module.settings.settings'],
  // buckets
  ['the bucket module stops restricting public buckets', 'modules/s3-bucket/main.tf', 'restrict_public_buckets = true', 'restrict_public_buckets = false', 'no-public-buckets', 'public access block'],
  ['the bucket module allows ACLs', 'modules/s3-bucket/main.tf', 'object_ownership = "BucketOwnerEnforced"', 'object_ownership = "ObjectWriter"', 'no-public-buckets', 'BucketOwnerEnforced'],
  ['the bucket module accepts plain HTTP', 'modules/s3-bucket/main.tf', 'variable = "aws:SecureTransport"', 'variable = "aws:UserAgent"', 'tls-in-transit', 'TLS'],
  ['the bucket module suspends versioning', 'modules/s3-bucket/main.tf', 'status = "Enabled"', 'status = "Suspended"', 'bucket-hygiene', 'versioning'],
  ['the bucket module drops default encryption', 'modules/s3-bucket/main.tf', 'sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"', 'sse_algorithm     = var.kms_key_arn == null ? "none" : "aws:kms"', 'encryption-at-rest', 'default encryption'],
  // data
  ['Aurora storage unencrypted', 'modules/aurora/main.tf', 'storage_encrypted = true', 'storage_encrypted = false', 'encryption-at-rest', 'storage_encrypted'],
  ['Aurora accepts plain-text connections', 'modules/aurora/main.tf', 'value = "1"\n  }', 'value = "0"\n  }', 'tls-in-transit', 'rds.force_ssl'],
  ['the Aurora module hard-codes deletion protection off', 'modules/aurora/main.tf', 'deletion_protection       = var.deletion_protection', 'deletion_protection       = false', 'settings-reach-resources', 'deletion_protection'],
  ['Aurora skips the final snapshot', 'modules/aurora/main.tf', 'skip_final_snapshot       = false', 'skip_final_snapshot       = true', 'settings-reach-resources', 'skip_final_snapshot'],
  ['Aurora loses Performance Insights', 'modules/aurora/main.tf', 'performance_insights_enabled          = true', 'performance_insights_enabled          = false', 'database-operations', 'performance_insights_enabled'],
  ['Aurora master password set by hand', 'modules/aurora/main.tf', 'manage_master_user_password   = true', 'master_password               = "changeme"', 'database-operations', 'manage_master_user_password'],
  ['Aurora keeps one day of backups', 'modules/aurora/main.tf', 'backup_retention_period      = var.backup_retention_days', 'backup_retention_period      = 1', 'backups', 'backup_retention_period'],
  ['Redis without TLS', 'modules/redis/main.tf', 'transit_encryption_enabled = true', 'transit_encryption_enabled = false', 'tls-in-transit', 'transit_encryption_enabled'],
  ['Redis unencrypted at rest', 'modules/redis/main.tf', 'at_rest_encryption_enabled = true', 'at_rest_encryption_enabled = false', 'encryption-at-rest', 'at_rest_encryption_enabled'],
  ['the state Redis evicts', 'modules/redis/main.tf', 'state = "noeviction"', 'state = "volatile-lru"', 'redis-eviction', 'map state to noeviction'],
  ['every Redis group gets the cache policy', 'modules/redis/main.tf', 'state = "noeviction" }[var.role]', 'state = "noeviction" }["cache"]', 'redis-eviction', 'must pick by [var.role]'],
  ['Redis back on the default parameter group', 'modules/redis/main.tf', 'parameter_group_name = aws_elasticache_parameter_group.this.name', 'parameter_group_name = "default.redis7"', 'redis-eviction', 'parameter_group_name must be that parameter group'],
  ['the parameter group loses the eviction setting', 'modules/redis/main.tf', 'name  = "maxmemory-policy"', 'name  = "maxmemory-samples"', 'redis-eviction', 'must set maxmemory-policy'],
  ['one Redis secret name for both groups', 'modules/redis/main.tf', '"bazaar/${var.environment}/redis-${var.role}"', '"bazaar/${var.environment}/redis"', 'redis-eviction', 'named .../redis-<role>'],
  ['the platform makes only the cache Redis', 'modules/platform/main.tf', 'toset(["cache", "state"])', 'toset(["cache"])', 'redis-eviction', 'must make both roles'],
  ['carts on the Redis that evicts', 'modules/settings/main.tf', 'cart = "state"', 'cart = "cache"', 'redis-eviction', 'redis_clients.cart must be "state"'],
  ['Redis never fails over', 'modules/redis/main.tf', 'automatic_failover_enabled = var.multi_az', 'automatic_failover_enabled = false', 'settings-reach-resources', 'automatic_failover_enabled'],
  ['the platform locks backup vaults by the environment name', 'modules/platform/main.tf', 'vault_lock         = local.s.backup.vault_lock', 'vault_lock         = local.s.environment == "prod"', 'settings-reach-resources', "decides by the environment's name"],
  ['the platform locks backup vaults by the environment name, written name first', 'modules/platform/main.tf', 'vault_lock         = local.s.backup.vault_lock', 'vault_lock         = contains(["prod"], local.s.environment)', 'settings-reach-resources', "decides by the environment's name"],
  ['the canary places orders by the environment name', 'modules/observability/main.tf', 'PLACE_ORDER        = tostring(var.canary_places_orders)', 'PLACE_ORDER        = var.environment != "prod" ? "true" : "false"', 'settings-reach-resources', 'modules/observability/main.tf'],
  ['the platform keeps a week of Performance Insights whatever the settings say', 'modules/platform/main.tf', 'performance_insights_retention_days = local.s.aurora.performance_insights_retention_days', 'performance_insights_retention_days = 7', 'settings-reach-resources', 'module.aurora.performance_insights_retention_days'],
  ['the platform pins Aurora deletion protection off', 'modules/platform/main.tf', 'deletion_protection                 = local.s.deletion_protection', 'deletion_protection                 = false', 'settings-reach-resources', 'module.aurora.deletion_protection'],
  ['the platform stops backing up Aurora', 'modules/platform/main.tf', 'resource_arns      = [module.aurora.cluster_arn, module.media_bucket.arn]', 'resource_arns      = [module.media_bucket.arn]', 'backups', 'module.aurora.cluster_arn'],
  // network, cluster, keys
  ['flow logs only record rejects', 'modules/network/main.tf', 'traffic_type             = "ALL"', 'traffic_type             = "REJECT"', 'flow-logs', 'aws_flow_log'],
  ['flow log group loses its key', 'modules/network/main.tf', 'retention_in_days = var.log_retention_days\n  kms_key_id        = var.logs_kms_key_arn\n}', 'retention_in_days = var.log_retention_days\n}', 'encryption-at-rest', 'kms_key_id'],
  ['EKS API made public', 'modules/eks/main.tf', 'endpoint_public_access  = false', 'endpoint_public_access  = true', 'eks-hardening', 'private'],
  ['EKS audit logs turned off', 'modules/eks/main.tf', '"api", "audit", "authenticator"', '"api", "authenticator"', 'eks-hardening', 'audit'],
  ['EKS Secrets not envelope-encrypted', 'modules/eks/main.tf', 'resources = ["secrets"]', 'resources = []', 'encryption-at-rest', 'encryption_config'],
  ['nodes allow IMDSv1', 'modules/eks/main.tf', 'http_tokens                 = "required"', 'http_tokens                 = "optional"', 'eks-hardening', 'IMDSv2'],
  ['Karpenter module left unpinned', 'modules/eks/main.tf', '  version = "~> 21.0"\n', '', 'module-sources', 'pinned'],
  ['KMS rotation turned off', 'modules/kms/main.tf', 'enable_key_rotation     = true', 'enable_key_rotation     = false', 'encryption-at-rest', 'enable_key_rotation'],
  ['key policy grants kms:*', 'modules/kms/main.tf', 'actions   = concat(local.key_administration, local.key_usage)', 'actions   = ["kms:*"]', 'iam-least-privilege', 'kms:*'],
  // IAM
  ['catalog gets s3:* on its bucket', 'modules/workload-identity/main.tf', 'actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]', 'actions   = ["s3:*"]', 'iam-least-privilege', 's3:*'],
  ['a service reads every secret', 'modules/workload-identity/main.tf', 'sid     = "ReadOwnSecrets"\n    actions = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]\n    resources = compact(', 'sid     = "ReadOwnSecrets"\n    actions = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]\n    resources = ["*"]\n    not_used = compact(', 'iam-least-privilege', 'resources "*"'],
  ['CI plan role reads any bucket', 'bootstrap/main.tf', 'actions   = ["s3:GetObject", "s3:ListBucket"]\n    resources = [module.state_bucket.arn, "${module.state_bucket.arn}/*"]', 'actions   = ["s3:GetObject", "s3:ListBucket"]\n    resources = ["*"]', 'iam-least-privilege', 'resources "*"'],
  ['an inline JSON policy hides from the tests', 'modules/workload-identity/main.tf', 'policy = data.aws_iam_policy_document.adot.json', 'policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })', 'iam-least-privilege', 'aws_iam_policy_document'],
  ['a CI role policy map hides a wildcard policy', 'bootstrap/main.tf', '    deploy          = data.aws_iam_policy_document.deploy.json\n', '    deploy          = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })\n', 'iam-least-privilege', 'for_each deploy'],
  ['a workload role gets AdministratorAccess', 'modules/eks/main.tf', 'policy_arn = "${local.aws_policy}/AmazonEKS_CNI_Policy"', 'policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"', 'iam-least-privilege', 'AdministratorAccess'],
  // edge, observability, images, organization
  ['WAF loses the SQL injection rules', 'modules/edge/main.tf', '    AWSManagedRulesSQLiRuleSet            = 40\n', '', 'edge-protection', 'AWSManagedRulesSQLiRuleSet'],
  ['media served over plain HTTP', 'modules/edge/main.tf', 'target_origin_id       = "media"\n    viewer_protocol_policy = "redirect-to-https"', 'target_origin_id       = "media"\n    viewer_protocol_policy = "allow-all"', 'tls-in-transit', 'viewer_protocol_policy'],
  ['alarm topic unencrypted', 'modules/observability/main.tf', 'kms_master_key_id = var.alerts_kms_key_arn', 'display_name      = "alerts"', 'encryption-at-rest', 'kms_master_key_id'],
  ["the ALB's own 5xx are not alarmed", 'modules/observability/main.tf', 'metric = "HTTPCode_ELB_5XX_Count"', 'metric = "HTTPCode_Target_5XX_Count"', 'alb-alarms', 'HTTPCode_ELB_5XX_Count'],
  ['observability is not told the ALB', 'modules/platform/main.tf', '  alb_arn_suffix              = module.edge.alb_arn_suffix\n', '', 'alb-alarms', 'alb_arn_suffix'],
  ['application logs kept forever', 'modules/observability/main.tf', 'name              = "/bazaar/${var.name}/application"\n  retention_in_days = var.log_retention_days', 'name              = "/bazaar/${var.name}/application"', 'edge-protection', 'retention_in_days'],
  ['images pushed without KMS', 'modules/ecr/main.tf', 'encryption_type = "KMS"', 'encryption_type = "AES256"', 'encryption-at-rest', 'encryption_type'],
  ['the backup module makes its DR key by hand', 'modules/backup/main.tf', 'module "dr_kms" {', 'resource "aws_kms_key" "dr" {\n  enable_key_rotation = true\n}\n\nmodule "dr_kms" {', 'kms-keys-from-module', 'aws_kms_key.dr'],
  ['backup plan loses its DR copy', 'modules/backup/main.tf', '    dynamic "copy_action" {', '    dynamic "no_copy_action" {', 'backups', 'copy_action'],
  // approved sizes (the organization SCP)
  ['prod runs Aurora on a class the SCP denies', 'envs/prod/main.tf', 'instance_class                      = "db.r7g.large"', 'instance_class                      = "db.x2g.large"', 'scp-approved-sizes', 'aurora.instance_class "db.x2g.large"'],
  ['staging runs Redis on a node type the SCP denies', 'envs/staging/main.tf', 'node_type          = "cache.t4g.small"', 'node_type          = "cache.r6g.large"', 'scp-approved-sizes', 'redis.node_type "cache.r6g.large"'],
  ['dev runs its system nodes on a family the SCP denies', 'envs/dev/main.tf', 'system  = { instance_types = ["t3.medium"]', 'system  = { instance_types = ["p5.48xlarge"]', 'scp-approved-sizes', 'p5.48xlarge'],
  ['the SCP stops approving a family prod runs on', 'organization/scps.tf', '"m7g.*", ', '', 'scp-approved-sizes', 'm7g'],
  ['the settings validation approves a family the SCP denies', 'modules/settings/variables.tf', '"^(t3|t4g|m6i|', '"^(t3|t4g|x2iedn|m6i|', 'scp-approved-sizes', 'x2iedn'],
  ['the settings Karpenter validation approves a family the SCP denies', 'modules/settings/variables.tf', 'contains(["m6i", "m7i",', 'contains(["p5", "m6i", "m7i",', 'scp-approved-sizes', 'p5'],
  ['the SCP no longer checks database classes', 'organization/scps.tf', 'values   = local.database_classes', 'values   = ["db.*"]', 'scp-approved-sizes', 'rds:DatabaseClass'],
  // organization guard rails
  ['the no-public-s3 SCP is dropped', 'organization/scps.tf', '    no-public-s3         = { description = "No public buckets or objects", json = data.aws_iam_policy_document.no_public_s3.json }\n', '', 'organization-guardrails', 'lacks no-public-s3'],
  ['the SCPs are attached to the non-prod unit only', 'organization/scps.tf', 'for unit in keys(local.units) :', 'for unit in ["nonprod"] :', 'organization-guardrails', 'every unit'],
  ['the root user SCP denies another principal', 'organization/scps.tf', 'values   = ["arn:aws:iam::*:root"]', 'values   = ["arn:aws:iam::*:role/nobody"]', 'organization-guardrails', 'no root user actions'],
  ['the tag SCP stops requiring CostCenter', 'organization/scps.tf', 'required_tags    = ["Project", "Environment", "Owner", "CostCenter"]', 'required_tags    = ["Project", "Environment", "Owner"]', 'organization-guardrails', 'required tags'],
  ['the encryption SCP stops requiring encrypted volumes', 'organization/scps.tf', 'variable = "ec2:Encrypted"', 'variable = "ec2:Attribute"', 'organization-guardrails', 'KMS encryption required'],
  ['the region SCP allows every region', 'organization/scps.tf', 'values   = local.approved_regions', 'values   = ["*"]', 'organization-guardrails', 'denied regions'],
  ['the deploy role in every workload account gets AdministratorAccess', 'organization/main.tf', '          RoleName = "bazaar-deploy"\n', '          RoleName          = "bazaar-deploy"\n          ManagedPolicyArns = ["arn:aws:iam::aws:policy/AdministratorAccess"]\n', 'organization-guardrails', 'AdministratorAccess is only for bazaar-terraform'],
  ['the plan role in every workload account gets PowerUserAccess', 'organization/main.tf', '"arn:aws:iam::aws:policy/ReadOnlyAccess"', '"arn:aws:iam::aws:policy/PowerUserAccess"', 'organization-guardrails', 'PowerUserAccess'],
  ['the deploy role may do anything with EKS', 'organization/main.tf', 'Action   = ["eks:DescribeCluster"]', 'Action   = ["eks:*"]', 'organization-guardrails', 'eks:*'],
  // versions and CI roles
  ['one module drifts to another Terraform version', 'modules/redis/main.tf', 'required_version = "~> 1.11.0"', 'required_version = ">= 1.10.0"', 'terraform-version', 'required_version'],
  ['prod plans and applies with a hard-coded admin role', 'envs/prod/shared-providers.tf', 'role_arn = "arn:aws:iam::${local.account_id}:role/${var.terraform_role}"', 'role_arn = "arn:aws:iam::${local.account_id}:role/bazaar-terraform"', 'ci-role-chain', 'var.terraform_role'],
  ['the role variable is stored in the saved plan', 'envs/dev/shared-providers.tf', '  ephemeral   = true\n', '', 'ci-role-chain', 'ephemeral'],
  ['the plan CI role may assume the admin role', 'bootstrap/main.tf', ':role/bazaar-terraform-readonly"]', ':role/bazaar-terraform"]', 'ci-role-chain', 'bazaar-terraform-readonly only'],
  ['the health check calls the ALB by its own name', 'modules/edge/main.tf', 'fqdn              = local.health_domain', 'fqdn              = data.aws_lb.ingress[0].dns_name', 'storefront-health-check', 'fqdn'],
  ['the ALB lookup ignores the IngressGroup tags', 'modules/edge/main.tf', '    "ingress.k8s.aws/stack"    = var.ingress_group\n', '', 'storefront-health-check', 'ingress.k8s.aws/stack'],
  ['an add-on chart floats to the latest version', 'modules/cluster-addons/main.tf', 'version    = "1.13.3"', 'version    = ">= 1.13"', 'helm-charts-pinned', 'exact chart version'],
  ['Velero is no longer installed', 'modules/cluster-addons/main.tf', 'chart            = "velero"', 'chart            = "velero-old"', 'helm-charts-pinned', 'velero'],
  ['the spot NodePool loses its taint', 'modules/cluster-addons/main.tf', '          taints       = [{ key = "bazaar.io/spot", value = "true", effect = "NoSchedule" }]\n', '', 'karpenter-capacity', 'bazaar.io/spot=true:NoSchedule'],
  ['the spot NodePool taints PreferNoSchedule', 'modules/cluster-addons/main.tf', 'value = "true", effect = "NoSchedule" }]', 'value = "true", effect = "PreferNoSchedule" }]', 'karpenter-capacity', 'the chart tolerates'],
  ['no on-demand NodePool', 'modules/cluster-addons/main.tf', 'values = ["on-demand"]', 'values = ["spot"]', 'karpenter-capacity', 'capacity type on-demand'],
  ['Karpenter nodes allow IMDSv1', 'modules/cluster-addons/main.tf', 'httpTokens              = "required"', 'httpTokens              = "optional"', 'karpenter-capacity', 'httpTokens'],
  ['Karpenter root volumes unencrypted', 'modules/cluster-addons/main.tf', 'encrypted           = true', 'encrypted           = false', 'karpenter-capacity', 'encrypted = true'],
  ['Karpenter nodes launched without the cost tags', 'modules/cluster-addons/main.tf', '    tags = var.tags # the SCP', '    labels = var.tags # the SCP', 'karpenter-capacity', 'cost tags'],
  ['the general NodePool hard-codes a family the SCP denies', 'modules/cluster-addons/main.tf', 'values = ["on-demand"] },\n            { key = "karpenter.k8s.aws/instance-family", operator = "In", values = var.karpenter_capacity.instance_families }', 'values = ["on-demand"] },\n            { key = "karpenter.k8s.aws/instance-family", operator = "In", values = ["m7g", "p5"] }', 'karpenter-capacity', 'p5'],
  ['prod lets Karpenter launch a family the SCP denies', 'envs/prod/main.tf', 'instance_families = ["m7g", "m8g", "c7g", "r7g", "m7i", "c7i"]', 'instance_families = ["m7g", "x2iedn"]', 'karpenter-capacity', 'x2iedn'],
  ['arm64 allowed whatever the graviton setting', 'modules/cluster-addons/main.tf', 'karpenter_architectures = var.karpenter_capacity.graviton ? ["arm64", "amd64"] : ["amd64"]', 'karpenter_architectures = ["arm64", "amd64"]', 'karpenter-capacity', 'graviton'],
  ['Karpenter consolidates only empty nodes', 'modules/cluster-addons/main.tf', 'consolidationPolicy = "WhenEmptyOrUnderutilized"', 'consolidationPolicy = "WhenEmpty"', 'karpenter-capacity', 'consolidationPolicy'],
  ['a NodePool without disruption budgets', 'modules/cluster-addons/main.tf', '        budgets             = [{ nodes = var.karpenter_capacity.disruption_budget }]\n', '', 'karpenter-capacity', 'budgets'],
  ['the capacity chart installed before the Karpenter CRDs', 'modules/cluster-addons/main.tf', '  depends_on = [helm_release.karpenter] # its CRDs', '  # its CRDs', 'karpenter-capacity', 'depends_on'],
  ['the platform hard-codes the NodePool settings', 'modules/platform/main.tf', 'karpenter_capacity          = merge(local.s.karpenter, { graviton = local.s.graviton })', 'karpenter_capacity          = { instance_families = ["m7g"], graviton = true }', 'karpenter-capacity', 'local.s.karpenter'],
  ['the capacity release names another version than its Chart.yaml', 'modules/cluster-addons/main.tf', 'version   = "1.0.0" # charts/karpenter-capacity/Chart.yaml', 'version   = "1.0.1" # charts/karpenter-capacity/Chart.yaml', 'helm-charts-pinned', 'Chart.yaml'],
  ['the alert rules are read from a folder that does not exist', 'modules/observability/main.tf', 'rules_dir   = "${path.module}/../../../monitoring/rules"', 'rules_dir   = "${path.module}/../../monitoring/rules"', 'monitoring-in-amp', 'monitoring/rules'],
  ['only one alert rule file reaches AMP', 'modules/observability/main.tf', 'rules_files = fileset(local.rules_dir, "*.yml")', 'rules_files = ["slo.yml"]', 'monitoring-in-amp', 'every file'],
  ['only one dashboard reaches Grafana', 'modules/observability/main.tf', 'dashboard_files = fileset(local.dashboards_dir, "*.json")', 'dashboard_files = ["overview.json"]', 'dashboards-in-grafana', 'every file'],
  ['the dashboards are read from a folder that does not exist', 'modules/observability/main.tf', 'dashboards_dir  = "${path.module}/../../../monitoring/dashboards"', 'dashboards_dir  = "${path.module}/../../monitoring/dashboards"', 'dashboards-in-grafana', 'monitoring/dashboards'],
  ['AMP is not the default data source', 'modules/observability/main.tf', '  is_default = true\n  url        = aws_prometheus_workspace.this.prometheus_endpoint', '  is_default = false\n  url        = aws_prometheus_workspace.this.prometheus_endpoint', 'dashboards-in-grafana', 'is_default'],
  ['AMP queried without SigV4', 'modules/observability/main.tf', 'sigV4Auth     = true', 'sigV4Auth     = false', 'dashboards-in-grafana', 'SigV4'],
  ['the grafana provider floats', 'modules/observability/versions.tf', 'grafana = { source = "grafana/grafana", version = "~> 3.25" }', 'grafana = { source = "grafana/grafana", version = ">= 3.0" }', 'dashboards-in-grafana', 'pinned'],
  ['staging configures Grafana with a hand-made token', 'envs/staging/shared-providers.tf', 'auth = module.platform.grafana_connection.token', 'auth = "glsa_handmade"', 'dashboards-in-grafana', 'grafana_connection'],
  ['dev is checked for RDS Multi-AZ it never has', 'modules/security/main.tf', 'var.multi_az ? ["RDS_CLUSTER_MULTI_AZ_ENABLED"] : [],', '["RDS_CLUSTER_MULTI_AZ_ENABLED"],', 'conformance-pack-scope', 'RDS_CLUSTER_MULTI_AZ_ENABLED'],
  ['the pack demands KMS on the SSE-S3 logs bucket', 'modules/security/main.tf', '"S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED"', '"S3_DEFAULT_ENCRYPTION_KMS"', 'conformance-pack-scope', 'S3_DEFAULT_ENCRYPTION_KMS'],
  ['helm_values grows a key the chart rejects', 'modules/platform/outputs.tf', '    publicUrl   = "https://${local.s.domain_name}"', '    publicUrl   = "https://${local.s.domain_name}"\n    cdnUrl      = "https://media"', 'helm-values-match-chart', 'cdnUrl'],
  ['helm_values gives every service a key the service schema lacks', 'modules/platform/outputs.tf', 'service => { iamRoleArn = module', 'service => { roleArn = module', 'helm-values-match-chart', 'roleArn'],
  ['helm_values wraps the chart keys', 'modules/platform/outputs.tf', '      masterSecret = module.aurora.master_secret_arn\n    }\n    database', '      masterSecretName = module.aurora.master_secret_arn\n    }\n    database', 'helm-values-match-chart', 'masterSecretName'],
  ['helm_values stops passing the master secret', 'modules/platform/outputs.tf', '      masterSecret = module.aurora.master_secret_arn\n', '', 'helm-values-placeholders', 'has migrations.masterSecret, which helm_values does not'],
  ['helm_values grows a key the placeholders lack', 'modules/platform/outputs.tf', '    publicUrl   = "https://${local.s.domain_name}"', '    publicUrl   = "https://${local.s.domain_name}"\n    features    = { newCheckout = true }', 'helm-values-placeholders', 'lacks features.newCheckout'],
  ['helm_values drops the ALB access logs switch', 'modules/platform/outputs.tf', '        "access_logs.s3.enabled=true",\n', '', 'helm-values-placeholders', 'loadBalancerAttributes names'],
  ['ALB deletion protection no longer follows the settings', 'modules/platform/outputs.tf', '"deletion_protection.enabled=${local.s.deletion_protection}"', '"deletion_protection.enabled=false"', 'helm-values-placeholders', 'deletion_protection.enabled=${local.s.deletion_protection}'],
  ['dev settings move Redis to ElastiCache, its placeholder still says inCluster', 'envs/dev/main.tf', 'mode               = "inCluster"', 'mode               = "external"', 'helm-values-placeholders', 'redis.mode'],
  ['organization untagged', 'organization/versions.tf', '    CostCenter  = "bazaar-shared"\n', '', 'required-tags', 'CostCenter'],
];

for (const [name, file, find, replace, ruleId, mentions] of mutations) {
  test(`reports a planted violation: ${name} (${ruleId})`, async () => {
    const tree = await loadTree({ overrides: mutate(file, find, replace) });
    const violations = byId[ruleId].check(tree);
    assert.ok(violations.length > 0, `${ruleId} reported nothing after: ${name}`);
    assert.ok(violations.some((v) => v.includes(mentions)), `${ruleId} did not name "${mentions}":\n  ${violations.join('\n  ')}`);
  });
}

// --- fixtures ------------------------------------------------------------------------------------------------

const bareBucket = `
resource "aws_s3_bucket" "loose" {
  bucket = "loose"
}
`;

test('fixture: a bare bucket fails every bucket rule', async () => {
  const tree = await treeFromSources({ 'modules/bad': { 'main.tf': bareBucket } });
  for (const id of ['encryption-at-rest', 'tls-in-transit', 'no-public-buckets', 'bucket-hygiene']) {
    assert.ok(byId[id].check(tree).some((v) => v.includes('aws_s3_bucket.loose')), `${id} missed the bare bucket`);
  }
});

test('fixture: a policy granting everyone without a condition is public', async () => {
  const tree = await treeFromSources({
    'modules/bad': {
      'main.tf': `
data "aws_iam_policy_document" "open" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::media/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}
data "aws_iam_policy_document" "org_only" {
  statement {
    actions   = ["ecr:BatchGetImage"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalOrgID"
      values   = ["o-123"]
    }
  }
}
`,
    },
  });
  const violations = byId['no-public-buckets'].check(tree);
  assert.equal(violations.length, 1, violations.join('\n'));
  assert.match(violations[0], /aws_iam_policy_document\.open/);
});

test('fixture: Allow with not_actions and wildcard data actions are reported; Deny wildcards are not', async () => {
  const tree = await treeFromSources({
    'modules/bad': {
      'main.tf': `
data "aws_iam_policy_document" "p" {
  statement {
    sid         = "Everything"
    not_actions = ["iam:*"]
    resources   = ["*"]
  }
  statement {
    sid       = "AllSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["*"]
  }
  statement {
    sid       = "Star"
    actions   = ["*"]
    resources = ["arn:aws:s3:::x"]
  }
  statement {
    sid       = "DenyIsFine"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = ["*"]
  }
}
`,
    },
  });
  const violations = byId['iam-least-privilege'].check(tree).join('\n');
  assert.match(violations, /Everything: Allow with not_actions/);
  assert.match(violations, /AllSecrets: data action/);
  assert.match(violations, /Star: wildcard action/);
  assert.doesNotMatch(violations, /DenyIsFine/);
});

test('fixture: a compliant database module passes the data rules', async () => {
  const tree = await treeFromSources({
    'modules/good': {
      'main.tf': `
resource "aws_rds_cluster_parameter_group" "pg" {
  family = "aurora-postgresql16"
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
}
resource "aws_rds_cluster" "db" {
  storage_encrypted               = true
  kms_key_id                      = var.key
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.pg.name
  deletion_protection             = var.deletion_protection
  backup_retention_period         = var.days
  manage_master_user_password     = true
}
resource "aws_rds_cluster_instance" "db" {
  publicly_accessible             = false
  performance_insights_enabled    = true
  performance_insights_kms_key_id = var.key
  monitoring_interval             = 60
  monitoring_role_arn             = var.role
}
`,
    },
  });
  for (const id of ['encryption-at-rest', 'tls-in-transit', 'settings-reach-resources', 'database-operations']) {
    assert.deepEqual(byId[id].check(tree).filter((v) => v.startsWith('modules/good')), [], id);
  }
});

test('fixture: an unencrypted, public, unlogged database module fails the data rules', async () => {
  const tree = await treeFromSources({
    'modules/bad': {
      'main.tf': `
resource "aws_db_instance" "db" {
  storage_encrypted   = false
  deletion_protection = false
  skip_final_snapshot = true
}
resource "aws_rds_cluster_instance" "db" {
  publicly_accessible = true
}
resource "aws_elasticache_replication_group" "cache" {
  at_rest_encryption_enabled = false
  transit_encryption_enabled = false
  multi_az_enabled           = false
  snapshot_retention_limit   = 0
}
`,
    },
  });
  const all = rules.flatMap((r) => r.check(tree)).join('\n');
  for (const expected of ['storage_encrypted', 'deletion_protection must be true', 'skip_final_snapshot', 'publicly_accessible', 'at_rest_encryption_enabled', 'transit_encryption_enabled', 'multi_az_enabled', 'snapshot_retention_limit']) {
    assert.ok(all.includes(expected), `nothing reported ${expected}`);
  }
});

test('fixture: a VPC without flow logs is reported', async () => {
  const tree = await treeFromSources({ 'modules/bad': { 'main.tf': 'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n' } });
  assert.match(byId['flow-logs'].check(tree).join('\n'), /aws_vpc\.v/);
});

test('fixture: a registry module without a version and a local module that does not exist are reported', async () => {
  const tree = await treeFromSources({
    'modules/bad': { 'main.tf': 'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\nmodule "gone" {\n  source = "../missing"\n}\n' },
  });
  const violations = byId['module-sources'].check(tree).join('\n');
  assert.match(violations, /module\.vpc: registry module/);
  assert.match(violations, /module\.gone: source \.\.\/missing/);
});

// The placeholders deploy/helm/bazaar/infra/<env>.yaml against helm_values and infra's names.
const placeholder = (env) => fs.readFileSync(path.join(repoRoot, 'deploy/helm/bazaar/infra', `${env}.yaml`), 'utf8');
const placeholderCases = [
  ['dev loses redis.mode', 'dev', '  mode: inCluster\n', '', /dev\.yaml: lacks redis\.mode/],
  ['prod names the staging account', 'prod', 'arn:aws:iam::555555555555:role/bazaar-prod-catalog', 'arn:aws:iam::444444444444:role/bazaar-prod-catalog', /services\.catalog\.iamRoleArn/],
  ['staging grows a key infra does not write', 'staging', 'media:\n', 'media:\n  cdnUrl: https://media.staging.shop.example.com\n', /has media\.cdnUrl/],
  ['prod ALB without deletion protection', 'prod', 'deletion_protection.enabled=true', 'deletion_protection.enabled=false', /prod\.yaml: deletion_protection\.enabled is false/],
  ['dev media bucket named the old way', 'dev', 's3Bucket: bazaar-dev-333333333333-media', 's3Bucket: bazaar-dev-media', /media\.s3Bucket/],
];
for (const [name, env, find, replace, pattern] of placeholderCases) {
  test(`reports a planted placeholder mistake: ${name} (helm-values-placeholders)`, async () => {
    const original = placeholder(env);
    assert.ok(original.includes(find), `mutation no longer applies: "${find}" is not in deploy/helm/bazaar/infra/${env}.yaml`);
    const tree = await loadTree();
    tree.placeholderOverrides = { [env]: original.replace(find, replace) };
    const violations = byId['helm-values-placeholders'].check(tree);
    assert.ok(violations.some((v) => pattern.test(v)), `nothing matched ${pattern}:\n  ${violations.join('\n  ')}`);
  });
}

// The chart's spot toleration against the spot NodePool's taint.
test('reports a planted mismatch: the chart tolerates another spot taint key (karpenter-capacity)', async () => {
  const tree = await loadTree();
  assert.deepEqual(byId['karpenter-capacity'].check(tree), []);
  tree.spotTolerationOverride = { key: 'bazaar.io/capacity-spot', value: 'true', effect: 'NoSchedule' };
  const violations = byId['karpenter-capacity'].check(tree);
  assert.ok(violations.some((v) => v.includes('NodePool spot') && v.includes('bazaar.io/capacity-spot')), violations.join('\n  '));
});

// The terraform workflow against the roots.
const workflow = fs.readFileSync(path.join(repoRoot, '.github/workflows/terraform.yml'), 'utf8');
const workflowCases = [
  ['an older Terraform in CI', /terraform_version: 1\.11\.4/, 'terraform_version: 1.10.5', /sets up Terraform "1\.10\.5"/],
  ['the apply job plans with the read-only role', /TF_VAR_terraform_role: bazaar-terraform$/m, 'TF_VAR_terraform_role: bazaar-terraform-readonly', /apply job must set TF_VAR_terraform_role=bazaar-terraform,/],
  ['the plan job on a GitHub-hosted runner', /runs-on: \[self-hosted, "bazaar-\$\{\{ matrix\.env \}\}"\]/, 'runs-on: ubuntu-24.04', /plan job runs on/],
  ['the saved plan kept one day', /retention-days: 7/, 'retention-days: 1', /retention-days 7/],
];
for (const [name, find, replace, pattern] of workflowCases) {
  test(`reports a planted workflow mistake: ${name} (terraform-workflow)`, async () => {
    assert.ok(find.test(workflow), `mutation no longer applies: ${find} is not in .github/workflows/terraform.yml`);
    const tree = await loadTree();
    tree.workflowOverride = workflow.replace(find, replace);
    const violations = byId['terraform-workflow'].check(tree);
    assert.ok(violations.some((v) => pattern.test(v)), `nothing matched ${pattern}:\n  ${violations.join('\n  ')}`);
  });
}
