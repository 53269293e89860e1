# Account-level detective controls of a workload account. The organization root makes the security account the
# delegated administrator, so findings from every account land there.

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

variable "config_bucket_id" {
  description = "Bucket receiving AWS Config snapshots and history (the environment's logs bucket)."
  type        = string
}

variable "multi_az" {
  description = "The environment runs Multi-AZ (settings multi_az): then Config checks RDS Multi-AZ."
  type        = bool
}

variable "deletion_protection" {
  description = "The environment protects its databases (settings deletion_protection): then Config checks it."
  type        = bool
}

variable "config_kms_key_arn" {
  description = "KMS key for Config deliveries."
  type        = string
}

data "aws_region" "current" {}
data "aws_partition" "current" {}

# --- GuardDuty -------------------------------------------------------------------------------------------------

resource "aws_guardduty_detector" "this" {
  enable                       = true
  finding_publishing_frequency = "FIFTEEN_MINUTES"
}

resource "aws_guardduty_detector_feature" "this" {
  for_each = toset(["S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS"])

  detector_id = aws_guardduty_detector.this.id
  name        = each.value
  status      = "ENABLED"
}

resource "aws_guardduty_detector_feature" "runtime" {
  detector_id = aws_guardduty_detector.this.id
  name        = "RUNTIME_MONITORING"
  status      = "ENABLED"

  additional_configuration {
    name   = "EKS_ADDON_MANAGEMENT" # GuardDuty installs and updates its agent on the cluster
    status = "ENABLED"
  }
}

# --- Security Hub ----------------------------------------------------------------------------------------------

resource "aws_securityhub_account" "this" {
  enable_default_standards  = false # subscribed explicitly below, so the list is reviewable
  control_finding_generator = "SECURITY_CONTROL"
  auto_enable_controls      = true
}

resource "aws_securityhub_standards_subscription" "this" {
  for_each = {
    foundational = "arn:${data.aws_partition.current.partition}:securityhub:${data.aws_region.current.region}::standards/aws-foundational-security-best-practices/v/1.0.0"
    cis          = "arn:${data.aws_partition.current.partition}:securityhub:${data.aws_region.current.region}::standards/cis-aws-foundations-benchmark/v/3.0.0"
  }

  standards_arn = each.value
  depends_on    = [aws_securityhub_account.this]
}

# --- AWS Config ------------------------------------------------------------------------------------------------

resource "aws_iam_service_linked_role" "config" {
  aws_service_name = "config.amazonaws.com"
}

resource "aws_config_configuration_recorder" "this" {
  name     = var.name
  role_arn = aws_iam_service_linked_role.config.arn

  recording_group {
    all_supported                 = true
    include_global_resource_types = true
  }
}

resource "aws_config_delivery_channel" "this" {
  name           = var.name
  s3_bucket_name = var.config_bucket_id
  s3_key_prefix  = "config"
  s3_kms_key_arn = var.config_kms_key_arn

  snapshot_delivery_properties {
    delivery_frequency = "TwentyFour_Hours"
  }

  depends_on = [aws_config_configuration_recorder.this]
}

resource "aws_config_configuration_recorder_status" "this" {
  name       = aws_config_configuration_recorder.this.name
  is_enabled = true
  depends_on = [aws_config_delivery_channel.this]
}

# The invariants the policy tests hold the code to, checked again against what actually runs. Only rules the
# environment can pass, so a finding always means something:
#   - S3: any default encryption (S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED), not S3_DEFAULT_ENCRYPTION_KMS. The
#     logs bucket is SSE-S3 because ALB access logs can only be delivered to SSE-S3 buckets; every other bucket is
#     SSE-KMS, which the policy test encryption-at-rest checks in the code.
#   - RDS Multi-AZ and deletion protection only where the settings ask for them (prod): dev and staging are
#     single-writer and disposable by design (modules/settings), and would be non-compliant forever.
locals {
  conformance_rules = concat(
    [
      "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED", "S3_BUCKET_SSL_REQUESTS_ONLY", "S3_BUCKET_VERSIONING_ENABLED",
      "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", "RDS_STORAGE_ENCRYPTED", "ELASTICACHE_REPL_GRP_ENCRYPTED_AT_REST",
      "ELASTICACHE_REPL_GRP_ENCRYPTED_IN_TRANSIT", "EKS_ENDPOINT_NO_PUBLIC_ACCESS", "EKS_SECRETS_ENCRYPTED",
      "VPC_FLOW_LOGS_ENABLED", "CLOUDWATCH_LOG_GROUP_ENCRYPTED", "CMK_BACKING_KEY_ROTATION_ENABLED",
      "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS", "ROOT_ACCOUNT_MFA_ENABLED",
    ],
    var.multi_az ? ["RDS_CLUSTER_MULTI_AZ_ENABLED"] : [],
    var.deletion_protection ? ["RDS_CLUSTER_DELETION_PROTECTION_ENABLED"] : [],
  )
}

resource "aws_config_conformance_pack" "bazaar" {
  name = "${var.name}-guardrails"

  template_body = yamlencode({
    Resources = {
      for rule in local.conformance_rules : replace(title(lower(replace(rule, "_", " "))), " ", "") => {
        Type = "AWS::Config::ConfigRule"
        Properties = {
          ConfigRuleName = lower(replace(rule, "_", "-"))
          Source         = { Owner = "AWS", SourceIdentifier = rule }
        }
      }
    }
  })

  depends_on = [aws_config_configuration_recorder_status.this]
}

# --- IAM Access Analyzer ---------------------------------------------------------------------------------------

resource "aws_accessanalyzer_analyzer" "external" {
  analyzer_name = "${var.name}-external-access"
  type          = "ACCOUNT"
}

resource "aws_accessanalyzer_analyzer" "unused" {
  analyzer_name = "${var.name}-unused-access"
  type          = "ACCOUNT_UNUSED_ACCESS"

  configuration {
    unused_access {
      unused_access_age = 90
    }
  }
}
