# The organization CloudTrail: created in the management account, delivered to an object-locked, KMS-encrypted
# bucket in the security (log archive) account, so nobody in a workload account, or with its root, can erase it.

terraform {
  required_version = "~> 1.11.0"
  required_providers {
    aws = {
      source                = "hashicorp/aws"
      version               = "~> 6.0"
      configuration_aliases = [aws.log_archive]
    }
  }
}

variable "name" {
  description = "Trail name."
  type        = string
  default     = "bazaar-organization"
}

variable "bucket_name" {
  description = "Name of the trail bucket in the log archive account."
  type        = string
}

variable "retention_days" {
  description = "Compliance-mode object lock: no one can delete a log file for this many days."
  type        = number
  default     = 400
}

data "aws_caller_identity" "management" {}
data "aws_region" "current" {}
data "aws_organizations_organization" "this" {}

locals {
  trail_arn = "arn:aws:cloudtrail:${data.aws_region.current.region}:${data.aws_caller_identity.management.account_id}:trail/${var.name}"
}

# The trail's key lives with the logs in the log archive account (alias/<name>-trail): that account administers
# it, CloudTrail uses it for this trail only.
module "kms" {
  source    = "../kms"
  providers = { aws = aws.log_archive }

  name = var.name
  keys = {
    trail = {
      description        = "organization CloudTrail"
      service_principals = ["cloudtrail.amazonaws.com"]
      service_conditions = [{ test = "StringEquals", variable = "aws:SourceArn", values = [local.trail_arn] }]
    }
  }
}

moved {
  from = aws_kms_key.trail
  to   = module.kms.aws_kms_key.this["trail"]
}

data "aws_iam_policy_document" "bucket" {
  statement {
    sid       = "CloudTrailChecksAcl"
    actions   = ["s3:GetBucketAcl"]
    resources = ["arn:aws:s3:::${var.bucket_name}"]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }
  statement {
    sid       = "CloudTrailWritesOrganizationLogs"
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::${var.bucket_name}/AWSLogs/${data.aws_organizations_organization.this.id}/*", "arn:aws:s3:::${var.bucket_name}/AWSLogs/${data.aws_caller_identity.management.account_id}/*"]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }
}

module "bucket" {
  source    = "../s3-bucket"
  providers = { aws = aws.log_archive }

  name        = var.bucket_name
  kms_key_arn = module.kms.key_arns["trail"]
  object_lock = { mode = "COMPLIANCE", days = var.retention_days }
  lifecycle_rules = {
    transition_to_glacier_days = 90
    expire_current_days        = 2557 # seven years
    expire_noncurrent_days     = 30
  }
  policy_statements_json = data.aws_iam_policy_document.bucket.json
}

resource "aws_cloudtrail" "organization" {
  name                          = var.name
  s3_bucket_name                = module.bucket.id
  kms_key_id                    = module.kms.key_arns["trail"]
  is_organization_trail         = true
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true

  event_selector {
    read_write_type           = "All"
    include_management_events = true
  }
}

output "trail_arn" {
  description = "Organization trail."
  value       = aws_cloudtrail.organization.arn
}

output "bucket" {
  description = "Trail bucket in the log archive account."
  value       = module.bucket.id
}
