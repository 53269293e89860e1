# Service control policies: preventive guard rails no account administrator can lift. They apply to every account
# in the units they are attached to (never to the management account, which AWS exempts from SCPs).

locals {
  approved_regions = ["eu-west-1", "eu-central-1"]
  required_tags    = ["Project", "Environment", "Owner", "CostCenter"]

  # Services without a region, or homed in us-east-1, that the region rule must not break.
  global_services = [
    "account:*", "acm:*", "budgets:*", "ce:*", "cloudfront:*", "health:*", "iam:*", "organizations:*",
    "route53:*", "route53domains:*", "sso:*", "sts:*", "support:*", "tag:*", "trustedadvisor:*", "wafv2:*",
    "waf:*", "shield:*", "pricing:*", "cur:*", "access-analyzer:*", "securityhub:*", "guardduty:*", "config:*",
  ]

  # Creations that must carry the cost tags (each supports aws:RequestTag on create).
  tagged_creations = [
    "ec2:CreateVolume", "ec2:CreateVpc", "ec2:CreateNatGateway", "eks:CreateCluster", "eks:CreateNodegroup",
    "rds:CreateDBCluster", "rds:CreateDBInstance", "elasticache:CreateReplicationGroup", "kms:CreateKey",
    "secretsmanager:CreateSecret", "ecr:CreateRepository", "sns:CreateTopic", "logs:CreateLogGroup",
  ]

  instance_families = ["t3.*", "t4g.*", "m6i.*", "m7i.*", "m7g.*", "m8g.*", "c7i.*", "c7g.*", "r7i.*", "r7g.*"]
  database_classes  = ["db.serverless", "db.t4g.*", "db.r7g.*", "db.r8g.*"]
  cache_node_types  = ["cache.t4g.*", "cache.r7g.*", "cache.m7g.*"]

}

data "aws_iam_policy_document" "deny_root_user" {
  statement {
    sid       = "NoRootUserActions"
    effect    = "Deny"
    actions   = ["*"]
    resources = ["*"]
    condition {
      test     = "StringLike"
      variable = "aws:PrincipalArn"
      values   = ["arn:aws:iam::*:root"]
    }
  }
}

data "aws_iam_policy_document" "deny_regions" {
  statement {
    sid         = "OnlyApprovedRegions"
    effect      = "Deny"
    not_actions = local.global_services
    resources   = ["*"]
    condition {
      test     = "StringNotEquals"
      variable = "aws:RequestedRegion"
      values   = local.approved_regions
    }
  }
}

data "aws_iam_policy_document" "require_tags" {
  dynamic "statement" {
    for_each = local.required_tags
    content {
      sid       = "Require${statement.value}Tag"
      effect    = "Deny"
      actions   = local.tagged_creations
      resources = ["*"]
      condition {
        test     = "Null"
        variable = "aws:RequestTag/${statement.value}"
        values   = ["true"]
      }
    }
  }

  # Instances and their volumes are tagged at launch (the EKS node launch templates do this).
  dynamic "statement" {
    for_each = local.required_tags
    content {
      sid       = "RequireInstance${statement.value}Tag"
      effect    = "Deny"
      actions   = ["ec2:RunInstances"]
      resources = ["arn:aws:ec2:*:*:instance/*"]
      condition {
        test     = "Null"
        variable = "aws:RequestTag/${statement.value}"
        values   = ["true"]
      }
    }
  }
}

data "aws_iam_policy_document" "require_encryption" {
  statement {
    sid       = "EncryptedVolumes"
    effect    = "Deny"
    actions   = ["ec2:CreateVolume", "ec2:RunInstances"]
    resources = ["arn:aws:ec2:*:*:volume/*"]
    condition {
      test     = "Bool"
      variable = "ec2:Encrypted"
      values   = ["false"]
    }
  }
  statement {
    sid       = "EncryptedDatabases"
    effect    = "Deny"
    actions   = ["rds:CreateDBCluster", "rds:CreateDBInstance", "rds:RestoreDBClusterFromSnapshot", "rds:RestoreDBClusterToPointInTime"]
    resources = ["*"]
    condition {
      test     = "Bool"
      variable = "rds:StorageEncrypted"
      values   = ["false"]
    }
  }
  statement {
    sid       = "EncryptedCachesAtRest"
    effect    = "Deny"
    actions   = ["elasticache:CreateReplicationGroup"]
    resources = ["*"]
    condition {
      test     = "Bool"
      variable = "elasticache:AtRestEncryptionEnabled"
      values   = ["false"]
    }
  }
  statement {
    sid       = "EncryptedCachesInTransit"
    effect    = "Deny"
    actions   = ["elasticache:CreateReplicationGroup"]
    resources = ["*"]
    condition {
      test     = "Bool"
      variable = "elasticache:TransitEncryptionEnabled"
      values   = ["false"]
    }
  }
  statement {
    sid       = "KmsForSecrets" # a secret without a customer-managed key would use the account default key
    effect    = "Deny"
    actions   = ["secretsmanager:CreateSecret"]
    resources = ["*"]
    condition {
      test     = "Null"
      variable = "secretsmanager:KmsKeyId"
      values   = ["true"]
    }
  }
  statement {
    sid       = "NoKeyDeletionOutsideTerraform"
    effect    = "Deny"
    actions   = ["kms:ScheduleKeyDeletion", "kms:DisableKey"]
    resources = ["*"]
    condition {
      test     = "ArnNotLike"
      variable = "aws:PrincipalArn"
      values   = ["arn:aws:iam::*:role/bazaar-terraform"]
    }
  }
}

data "aws_iam_policy_document" "approved_sizes" {
  statement {
    sid       = "ApprovedInstanceFamilies"
    effect    = "Deny"
    actions   = ["ec2:RunInstances"]
    resources = ["arn:aws:ec2:*:*:instance/*"]
    condition {
      test     = "StringNotLike"
      variable = "ec2:InstanceType"
      values   = local.instance_families
    }
  }
  statement {
    sid       = "ApprovedDatabaseClasses"
    effect    = "Deny"
    actions   = ["rds:CreateDBInstance", "rds:ModifyDBInstance"]
    resources = ["*"]
    condition {
      test     = "StringNotLike"
      variable = "rds:DatabaseClass"
      values   = local.database_classes
    }
  }
  statement {
    sid       = "ApprovedCacheNodes"
    effect    = "Deny"
    actions   = ["elasticache:CreateReplicationGroup", "elasticache:CreateCacheCluster"]
    resources = ["*"]
    condition {
      test     = "StringNotLike"
      variable = "elasticache:CacheNodeType"
      values   = local.cache_node_types
    }
  }
}

# Every workload account sets an account-level public access block (modules/platform); this keeps it set.
data "aws_iam_policy_document" "no_public_s3" {
  statement {
    sid       = "KeepAccountPublicAccessBlock"
    effect    = "Deny"
    actions   = ["s3:PutAccountPublicAccessBlock", "s3:DeleteAccountPublicAccessBlock"]
    resources = ["*"]
    condition {
      test     = "ArnNotLike"
      variable = "aws:PrincipalArn"
      values   = ["arn:aws:iam::*:role/bazaar-terraform"]
    }
  }
  statement {
    sid       = "NoPublicAcls"
    effect    = "Deny"
    actions   = ["s3:PutBucketAcl", "s3:PutObjectAcl", "s3:CreateBucket"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-acl"
      values   = ["public-read", "public-read-write", "authenticated-read"]
    }
  }
}

data "aws_iam_policy_document" "protect_audit" {
  statement {
    sid    = "KeepDetectiveControlsOn"
    effect = "Deny"
    actions = [
      "cloudtrail:DeleteTrail", "cloudtrail:StopLogging", "cloudtrail:UpdateTrail",
      "guardduty:DeleteDetector", "guardduty:DisassociateFromAdministratorAccount", "guardduty:UpdateDetector",
      "securityhub:DisableSecurityHub", "securityhub:DisassociateFromAdministratorAccount",
      "config:DeleteConfigurationRecorder", "config:StopConfigurationRecorder", "config:DeleteDeliveryChannel",
      "access-analyzer:DeleteAnalyzer", "organizations:LeaveOrganization",
    ]
    resources = ["*"]
    condition {
      test     = "ArnNotLike"
      variable = "aws:PrincipalArn"
      values   = ["arn:aws:iam::*:role/bazaar-terraform", "arn:aws:iam::*:role/OrganizationAccountAccessRole"]
    }
  }
}

locals {
  service_control_policies = {
    deny-root-user       = { description = "No actions as the root user of a member account", json = data.aws_iam_policy_document.deny_root_user.json }
    deny-other-regions   = { description = "Only the approved regions (global services excepted)", json = data.aws_iam_policy_document.deny_regions.json }
    require-cost-tags    = { description = "Cost tags on every taggable creation", json = data.aws_iam_policy_document.require_tags.json }
    require-encryption   = { description = "Encryption at rest (KMS) and in transit for volumes, databases, caches, secrets", json = data.aws_iam_policy_document.require_encryption.json }
    approved-sizes       = { description = "Approved instance families, database classes and cache node types", json = data.aws_iam_policy_document.approved_sizes.json }
    no-public-s3         = { description = "No public buckets or objects", json = data.aws_iam_policy_document.no_public_s3.json }
    protect-audit-trails = { description = "CloudTrail, GuardDuty, Security Hub, Config and Access Analyzer stay on", json = data.aws_iam_policy_document.protect_audit.json }
  }

  scp_attachments = merge([
    for policy in keys(local.service_control_policies) : {
      for unit in keys(local.units) : "${policy}/${unit}" => { policy = policy, unit = unit }
    }
  ]...)
}

resource "aws_organizations_policy" "scp" {
  for_each = local.service_control_policies

  name        = each.key
  description = each.value.description
  type        = "SERVICE_CONTROL_POLICY"
  content     = each.value.json
}

resource "aws_organizations_policy_attachment" "scp" {
  for_each = local.scp_attachments

  policy_id = aws_organizations_policy.scp[each.value.policy].id
  target_id = aws_organizations_organizational_unit.this[each.value.unit].id
}

# Tag policy: the allowed values, reported by Organizations and enforced on the resource types listed.
resource "aws_organizations_policy" "cost_tags" {
  name        = "cost-tags"
  description = "Allowed values of the Bazaar cost tags"
  type        = "TAG_POLICY"
  content = jsonencode({
    tags = {
      Environment = {
        tag_key      = { "@@assign" = "Environment" }
        tag_value    = { "@@assign" = ["dev", "staging", "prod", "shared", "organization"] }
        enforced_for = { "@@assign" = ["ec2:instance", "ec2:volume", "rds:cluster", "rds:db", "s3:bucket", "secretsmanager:*"] }
      }
      Project = {
        tag_key   = { "@@assign" = "Project" }
        tag_value = { "@@assign" = ["bazaar"] }
      }
    }
  })
}

resource "aws_organizations_policy_attachment" "cost_tags" {
  policy_id = aws_organizations_policy.cost_tags.id
  target_id = local.root_id
}
