# AWS Backup for Aurora and the media bucket, with copies to a vault in the DR region; and the bucket and role
# Velero uses to back up the cluster's Kubernetes objects and volumes.

terraform {
  required_version = "~> 1.11.0"
  required_providers {
    aws = {
      source                = "hashicorp/aws"
      version               = "~> 6.0"
      configuration_aliases = [aws.dr]
    }
  }
}

variable "name" {
  description = "Name prefix, e.g. bazaar-prod."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key of the primary vault."
  type        = string
}

variable "retention_days" {
  description = "Days each recovery point is kept (in both regions)."
  type        = number
}

variable "cross_region_copy" {
  description = "Copy every recovery point to the DR region."
  type        = bool
}

variable "vault_lock" {
  description = "Lock the vaults (governance mode) so recovery points cannot be deleted before their retention ends."
  type        = bool
}

variable "resource_arns" {
  description = "Resources backed up (Aurora cluster, media bucket)."
  type        = list(string)
}

variable "cluster_name" {
  description = "EKS cluster Velero runs in."
  type        = string
}

variable "velero_bucket_id" {
  description = "Bucket Velero writes to."
  type        = string
}

variable "velero_bucket_arn" {
  description = "ARN of that bucket."
  type        = string
}

variable "velero_kms_key_arn" {
  description = "KMS key of that bucket and of the EBS snapshots."
  type        = string
}

# --- vaults ----------------------------------------------------------------------------------------------------

resource "aws_backup_vault" "primary" {
  name        = var.name
  kms_key_arn = var.kms_key_arn
}

# The DR copy is encrypted with a key that lives in the DR region, so a regional KMS outage cannot lock it away.
# Only when copies are made (alias/<name>-backup-dr).
module "dr_kms" {
  source    = "../kms"
  count     = var.cross_region_copy ? 1 : 0
  providers = { aws = aws.dr }

  name = var.name
  keys = { backup-dr = { description = "backup copies" } }
}

# The key and alias this module used to declare itself; without copies they are no longer wanted.
moved {
  from = aws_kms_key.dr
  to   = module.dr_kms[0].aws_kms_key.this["backup-dr"]
}

moved {
  from = aws_kms_alias.dr
  to   = module.dr_kms[0].aws_kms_alias.this["backup-dr"]
}

resource "aws_backup_vault" "dr" {
  provider    = aws.dr
  count       = var.cross_region_copy ? 1 : 0
  name        = "${var.name}-dr"
  kms_key_arn = module.dr_kms[0].key_arns["backup-dr"]
}

resource "aws_backup_vault_lock_configuration" "primary" {
  count              = var.vault_lock ? 1 : 0
  backup_vault_name  = aws_backup_vault.primary.name
  min_retention_days = 7
  max_retention_days = var.retention_days
}

resource "aws_backup_vault_lock_configuration" "dr" {
  provider           = aws.dr
  count              = var.vault_lock && var.cross_region_copy ? 1 : 0
  backup_vault_name  = aws_backup_vault.dr[0].name
  min_retention_days = 7
  max_retention_days = var.retention_days
}

# --- plan ------------------------------------------------------------------------------------------------------

resource "aws_backup_plan" "this" {
  name = var.name

  # Daily snapshots copied to the DR region: the regional-disaster recovery point (RPO up to a day, or less with
  # the hourly rule below). In-region recovery uses Aurora's own point-in-time restore (RPO about 5 minutes).
  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.primary.name
    schedule          = "cron(0 3 * * ? *)"
    start_window      = 60
    completion_window = 180

    lifecycle {
      delete_after = var.retention_days
    }

    dynamic "copy_action" {
      for_each = var.cross_region_copy ? [1] : []
      content {
        destination_vault_arn = aws_backup_vault.dr[0].arn
        lifecycle {
          delete_after = var.retention_days
        }
      }
    }
  }

  dynamic "rule" {
    for_each = var.cross_region_copy ? [1] : []
    content {
      rule_name         = "hourly-to-dr"
      target_vault_name = aws_backup_vault.primary.name
      schedule          = "cron(15 * * * ? *)"
      start_window      = 60
      completion_window = 120

      lifecycle {
        delete_after = 2
      }

      copy_action {
        destination_vault_arn = aws_backup_vault.dr[0].arn
        lifecycle {
          delete_after = 2
        }
      }
    }
  }
}

data "aws_iam_policy_document" "backup_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["backup.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "backup" {
  name               = "${var.name}-backup"
  assume_role_policy = data.aws_iam_policy_document.backup_assume.json
}

resource "aws_iam_role_policy_attachment" "backup" {
  for_each = toset([
    "service-role/AWSBackupServiceRolePolicyForBackup",
    "service-role/AWSBackupServiceRolePolicyForRestores",
    "AWSBackupServiceRolePolicyForS3Backup",
    "AWSBackupServiceRolePolicyForS3Restore",
  ])

  role       = aws_iam_role.backup.name
  policy_arn = "arn:aws:iam::aws:policy/${each.value}"
}

resource "aws_backup_selection" "this" {
  name         = var.name
  plan_id      = aws_backup_plan.this.id
  iam_role_arn = aws_iam_role.backup.arn
  resources    = var.resource_arns
}

# --- Velero ----------------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "pod_identity_assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = ["pods.eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "velero" {
  name               = "${var.name}-velero"
  assume_role_policy = data.aws_iam_policy_document.pod_identity_assume.json
}

data "aws_iam_policy_document" "velero" {
  statement {
    sid       = "BackupObjects"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
    resources = ["${var.velero_bucket_arn}/*"]
  }
  statement {
    sid       = "ListBackups"
    actions   = ["s3:ListBucket"]
    resources = [var.velero_bucket_arn]
  }
  statement {
    sid       = "BucketKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant", "kms:DescribeKey"]
    resources = [var.velero_kms_key_arn]
  }
  statement {
    sid = "VolumeSnapshots" # EC2 snapshot calls do not support resource-level scoping for Describe/Create
    actions = [
      "ec2:DescribeVolumes", "ec2:DescribeSnapshots", "ec2:CreateTags", "ec2:CreateVolume", "ec2:CreateSnapshot",
      "ec2:DeleteSnapshot",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "velero" {
  name   = "velero"
  role   = aws_iam_role.velero.id
  policy = data.aws_iam_policy_document.velero.json
}

resource "aws_eks_pod_identity_association" "velero" {
  cluster_name    = var.cluster_name
  namespace       = "velero"
  service_account = "velero"
  role_arn        = aws_iam_role.velero.arn
}

output "vault_arn" {
  description = "Primary backup vault."
  value       = aws_backup_vault.primary.arn
}

output "dr_vault_arn" {
  description = "Vault in the DR region (null when copies are off)."
  value       = one(aws_backup_vault.dr[*].arn)
}

output "velero_role_arn" {
  description = "Role of the Velero server."
  value       = aws_iam_role.velero.arn
}
