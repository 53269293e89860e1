# Shared services: the Terraform state bucket and its key, the GitHub OIDC provider and the roles CI assumes,
# and the image registry every environment pulls from. Applied once by an administrator; CI applies the rest.

variable "github_repository" {
  description = "owner/name of the repository whose workflows may assume the CI roles (the one deploy/argocd syncs from)."
  type        = string
  default     = "bazaar-shop/bazaar"
}

variable "organization_id" {
  description = "AWS Organizations id (o-...), from infra/organization."
  type        = string
  default     = "o-exampleorgid"
}

variable "workload_account_ids" {
  description = "dev, staging and prod account ids, whose bazaar-terraform and bazaar-deploy roles CI may assume."
  type        = map(string)
  default = {
    dev     = "333333333333"
    staging = "444444444444"
    prod    = "555555555555"
  }
}

locals {
  state_bucket = "bazaar-terraform-state-${local.account_id}"
  images       = ["identity", "catalog", "cart", "ordering", "payments", "risk", "edge", "migrations"]
  oidc_host    = "token.actions.githubusercontent.com"
}

# --- state -----------------------------------------------------------------------------------------------------

# Aliases alias/bazaar-terraform-state (named by every backend block) and alias/bazaar-ecr.
module "kms" {
  source = "../modules/kms"
  name   = "bazaar"
  keys = {
    terraform-state = { description = "Terraform state" }
    ecr             = { description = "container images" }
  }
}

module "state_bucket" {
  source = "../modules/s3-bucket"

  name        = local.state_bucket
  kms_key_arn = module.kms.key_arns["terraform-state"]
  # Governance mode: an administrator with s3:BypassGovernanceRetention can still repair a broken state version.
  object_lock = { mode = "GOVERNANCE", days = 30 }
  lifecycle_rules = {
    expire_noncurrent_days      = 90
    noncurrent_versions_to_keep = 50 # every apply writes a version; keep enough to roll back
  }
}

# --- GitHub OIDC -----------------------------------------------------------------------------------------------

resource "aws_iam_openid_connect_provider" "github" {
  url            = "https://${local.oidc_host}"
  client_id_list = ["sts.amazonaws.com"]
  # AWS validates GitHub's certificate against its own trust store; the thumbprint is kept for older SDKs.
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
}

# A role per job kind, each trusted only from the workflow context that needs it (the OIDC token's subject):
#   terraform-plan   pull requests, and the push to main that saves the plan the apply job applies
#   terraform-apply  jobs in the GitHub environments terraform-dev, terraform-staging, terraform-prod (reviewers)
#   deploy           jobs in the GitHub environments dev, staging, prod (.github/workflows/deploy-environment.yml)
#   image-push       pushes to main and release tags (.github/workflows/images.yml)
# A job that names an environment gets the subject repo:<repo>:environment:<name> whatever its trigger.
locals {
  github_subject = "repo:${var.github_repository}"
  ci_roles = {
    terraform-plan  = ["${local.github_subject}:pull_request", "${local.github_subject}:ref:refs/heads/main"]
    terraform-apply = [for env in keys(var.workload_account_ids) : "${local.github_subject}:environment:terraform-${env}"]
    image-push      = ["${local.github_subject}:ref:refs/heads/main", "${local.github_subject}:ref:refs/tags/v*"]
    deploy          = [for env in keys(var.workload_account_ids) : "${local.github_subject}:environment:${env}"]
  }
}

data "aws_iam_policy_document" "ci_assume" {
  for_each = local.ci_roles

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "${local.oidc_host}:sub"
      values   = each.value
    }
  }
}

resource "aws_iam_role" "ci" {
  for_each = local.ci_roles

  name                 = "bazaar-ci-${each.key}"
  assume_role_policy   = data.aws_iam_policy_document.ci_assume[each.key].json
  max_session_duration = 3600
}

# Plan: read state (and the lock file it writes), assume the read-only role in each workload account.
data "aws_iam_policy_document" "terraform_plan" {
  statement {
    sid       = "ReadState"
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = [module.state_bucket.arn, "${module.state_bucket.arn}/*"]
  }
  statement {
    sid       = "Lock"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = ["${module.state_bucket.arn}/*.tflock"]
  }
  statement {
    sid       = "StateKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [module.kms.key_arns["terraform-state"]]
  }
  statement {
    sid       = "PlanInWorkloadAccounts"
    actions   = ["sts:AssumeRole"]
    resources = [for id in values(var.workload_account_ids) : "arn:aws:iam::${id}:role/bazaar-terraform-readonly"]
  }
}

data "aws_iam_policy_document" "terraform_apply" {
  statement {
    sid       = "ReadWriteState"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"]
    resources = [module.state_bucket.arn, "${module.state_bucket.arn}/*"]
  }
  statement {
    sid       = "StateKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [module.kms.key_arns["terraform-state"]]
  }
  statement {
    sid       = "ApplyInWorkloadAccounts"
    actions   = ["sts:AssumeRole"]
    resources = [for id in values(var.workload_account_ids) : "arn:aws:iam::${id}:role/bazaar-terraform"]
  }
}

data "aws_iam_policy_document" "image_push" {
  statement {
    sid       = "Login"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"] # GetAuthorizationToken has no resource-level permission
  }
  statement {
    sid = "PushBazaarImages"
    actions = [
      "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload", "ecr:DescribeImages",
      "ecr:DescribeImageScanFindings", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]
    resources = values(module.ecr.repository_arns)
  }
  statement {
    sid       = "ImageKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [module.kms.key_arns["ecr"]]
  }
}

data "aws_iam_policy_document" "deploy" {
  statement {
    sid       = "DeployInWorkloadAccounts"
    actions   = ["sts:AssumeRole"]
    resources = [for id in values(var.workload_account_ids) : "arn:aws:iam::${id}:role/bazaar-deploy"]
  }
  statement {
    sid       = "ReadImageDigests"
    actions   = ["ecr:DescribeImages", "ecr:DescribeImageScanFindings"]
    resources = values(module.ecr.repository_arns)
  }
}

locals {
  ci_policies = {
    terraform-plan  = data.aws_iam_policy_document.terraform_plan.json
    terraform-apply = data.aws_iam_policy_document.terraform_apply.json
    image-push      = data.aws_iam_policy_document.image_push.json
    deploy          = data.aws_iam_policy_document.deploy.json
  }
}

resource "aws_iam_role_policy" "ci" {
  for_each = local.ci_policies

  name   = "least-privilege"
  role   = aws_iam_role.ci[each.key].id
  policy = each.value
}

# --- images ----------------------------------------------------------------------------------------------------

module "ecr" {
  source = "../modules/ecr"

  images          = local.images
  kms_key_arn     = module.kms.key_arns["ecr"]
  organization_id = var.organization_id
}

output "state_bucket" {
  description = "Bucket of every root's backend."
  value       = module.state_bucket.id
}

output "ci_role_arns" {
  description = "Roles the GitHub workflows assume (aws-actions/configure-aws-credentials role-to-assume)."
  value       = { for name, role in aws_iam_role.ci : name => role.arn }
}

output "ecr_repository_urls" {
  description = "Image repositories."
  value       = module.ecr.repository_urls
}
