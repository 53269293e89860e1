# Customer-managed KMS keys, one per purpose, so a key policy names only the services that use it and a
# compromised grant on one does not open the others. Rotation is always on.

terraform {
  required_version = "~> 1.11.0"
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 6.0" }
  }
}

variable "name" {
  description = "Prefix of the key aliases, e.g. bazaar-prod."
  type        = string
}

variable "keys" {
  description = <<-EOT
    Keys by purpose: a description; AWS service principals allowed to use the key, with the conditions that tie
    them to this account (default aws:SourceAccount); and IAM roles that must use it without an IAM policy of their
    own (service-linked roles, such as Auto Scaling launching encrypted node volumes).
  EOT
  type = map(object({
    description        = string
    service_principals = optional(list(string), [])
    service_conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })))
    role_principals = optional(list(string), [])
  }))
}

variable "deletion_window_in_days" {
  description = "Waiting period before a scheduled key deletion; the longest window gives the most time to notice."
  type        = number
  default     = 30
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_root = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"

  # Explicit actions instead of kms:* so the policy tests can hold every policy to "no wildcard actions on data".
  key_administration = [
    "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:CreateGrant", "kms:DeleteAlias", "kms:DescribeKey",
    "kms:DisableKey", "kms:DisableKeyRotation", "kms:EnableKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus", "kms:ListAliases", "kms:ListGrants", "kms:ListKeyPolicies", "kms:ListResourceTags",
    "kms:PutKeyPolicy", "kms:RetireGrant", "kms:RevokeGrant", "kms:RotateKeyOnDemand", "kms:ScheduleKeyDeletion",
    "kms:TagResource", "kms:UntagResource", "kms:UpdateAlias", "kms:UpdateKeyDescription",
  ]
  key_usage = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]
}

data "aws_iam_policy_document" "key" {
  for_each = var.keys

  # Delegates to IAM in this account: roles still need an IAM policy naming this key to use it.
  statement {
    sid       = "AccountAdministersAndDelegatesToIam"
    actions   = concat(local.key_administration, local.key_usage)
    resources = ["*"] # in a key policy "*" means this key
    principals {
      type        = "AWS"
      identifiers = [local.account_root]
    }
  }

  dynamic "statement" {
    for_each = length(each.value.service_principals) > 0 ? [1] : []
    content {
      sid       = "ServicesUseTheKeyForThisAccountOnly"
      actions   = concat(local.key_usage, ["kms:CreateGrant"])
      resources = ["*"]
      principals {
        type        = "Service"
        identifiers = each.value.service_principals
      }
      dynamic "condition" {
        for_each = coalesce(each.value.service_conditions, [{
          test     = "StringEquals"
          variable = "aws:SourceAccount"
          values   = [data.aws_caller_identity.current.account_id]
        }])
        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }

  dynamic "statement" {
    for_each = length(each.value.role_principals) > 0 ? [1] : []
    content {
      sid       = "ServiceLinkedRolesUseTheKey"
      actions   = concat(local.key_usage, ["kms:CreateGrant"])
      resources = ["*"]
      principals {
        type        = "AWS"
        identifiers = each.value.role_principals
      }
    }
  }
}

resource "aws_kms_key" "this" {
  for_each = var.keys

  description             = "${var.name} ${each.value.description}"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = data.aws_iam_policy_document.key[each.key].json
}

resource "aws_kms_alias" "this" {
  for_each = var.keys

  name          = "alias/${var.name}-${each.key}"
  target_key_id = aws_kms_key.this[each.key].key_id
}

output "key_arns" {
  description = "Key ARN by purpose."
  value       = { for purpose, key in aws_kms_key.this : purpose => key.arn }
}
