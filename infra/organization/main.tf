# The landing zone: the organization, its units and accounts, delegated administration of the security services
# to the security account, the organization CloudTrail, cost allocation tags, and the roles every workload
# account needs for CI (deployed by a service-managed StackSet, so new accounts get them automatically).
# Guard rails (service control and tag policies) are in scps.tf.

resource "aws_organizations_organization" "this" {
  feature_set = "ALL"
  aws_service_access_principals = [
    "access-analyzer.amazonaws.com",
    "backup.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "config.amazonaws.com",
    "guardduty.amazonaws.com",
    "member.org.stacksets.cloudformation.amazonaws.com",
    "securityhub.amazonaws.com",
    "sso.amazonaws.com",
  ]
  enabled_policy_types = ["SERVICE_CONTROL_POLICY", "TAG_POLICY"]
}

locals {
  root_id = aws_organizations_organization.this.roots[0].id

  units = {
    security       = "Security"
    infrastructure = "Infrastructure"
    nonprod        = "Workloads-NonProd"
    prod           = "Workloads-Prod"
  }

  # The management account is this organization's payer and is not created here.
  accounts = {
    security        = { unit = "security", email = "aws-security@example.com" }
    shared-services = { unit = "infrastructure", email = "aws-shared-services@example.com" }
    dev             = { unit = "nonprod", email = "aws-dev@example.com" }
    staging         = { unit = "nonprod", email = "aws-staging@example.com" }
    prod            = { unit = "prod", email = "aws-prod@example.com" }
  }
}

resource "aws_organizations_organizational_unit" "this" {
  for_each  = local.units
  name      = each.value
  parent_id = local.root_id
}

resource "aws_organizations_account" "this" {
  for_each = local.accounts

  name                       = "bazaar-${each.key}"
  email                      = each.value.email
  parent_id                  = aws_organizations_organizational_unit.this[each.value.unit].id
  role_name                  = "OrganizationAccountAccessRole"
  iam_user_access_to_billing = "DENY"
  close_on_deletion          = false

  lifecycle {
    prevent_destroy = true
    ignore_changes  = [role_name, iam_user_access_to_billing] # write-once in the Organizations API
  }
}

# --- delegated administration ----------------------------------------------------------------------------------

resource "aws_guardduty_organization_admin_account" "security" {
  admin_account_id = aws_organizations_account.this["security"].id
}

resource "aws_securityhub_organization_admin_account" "security" {
  admin_account_id = aws_organizations_account.this["security"].id
}

resource "aws_organizations_delegated_administrator" "security" {
  for_each = toset(["access-analyzer.amazonaws.com", "config.amazonaws.com", "backup.amazonaws.com"])

  account_id        = aws_organizations_account.this["security"].id
  service_principal = each.value
}

# --- audit -----------------------------------------------------------------------------------------------------

module "audit_trail" {
  source    = "../modules/audit-trail"
  providers = { aws = aws, aws.log_archive = aws.security }

  bucket_name    = "bazaar-organization-trail-${local.security_account_id}"
  retention_days = 400

  depends_on = [aws_organizations_organization.this]
}

# --- cost ------------------------------------------------------------------------------------------------------

# Tags only show up in Cost Explorer once activated in the payer account.
resource "aws_ce_cost_allocation_tag" "this" {
  for_each = toset(["Project", "Environment", "Owner", "CostCenter"])

  tag_key = each.value
  status  = "Active"
}

# --- CI roles in every workload account ------------------------------------------------------------------------

locals {
  shared_services_id = aws_organizations_account.this["shared-services"].id

  workload_roles_template = {
    AWSTemplateFormatVersion = "2010-09-09"
    Description              = "Roles the Bazaar CI roles in shared services assume in this account"
    Resources = {
      TerraformApply = {
        Type = "AWS::IAM::Role"
        Properties = {
          RoleName = "bazaar-terraform"
          # Terraform here creates IAM roles, KMS keys and everything else in the environment, so it holds broad
          # rights; what limits it is who can assume it (the apply role, from protected GitHub environments) and
          # the SCPs, which it cannot change.
          ManagedPolicyArns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
          AssumeRolePolicyDocument = {
            Version = "2012-10-17"
            Statement = [{
              Effect    = "Allow"
              Principal = { AWS = "arn:aws:iam::${local.shared_services_id}:role/bazaar-ci-terraform-apply" }
              Action    = "sts:AssumeRole"
            }]
          }
        }
      }
      TerraformPlan = {
        Type = "AWS::IAM::Role"
        Properties = {
          RoleName          = "bazaar-terraform-readonly"
          ManagedPolicyArns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
          # ReadOnlyAccess lists secrets but cannot read them, and a plan refreshes the secret versions Terraform
          # wrote (the client secrets, the key-encryption key, the Redis AUTH token): values the state it already
          # reads holds anyway. Only the environment's own bazaar/ secrets, decrypted through Secrets Manager only.
          Policies = [{
            PolicyName = "refresh-terraform-secrets"
            PolicyDocument = {
              Version = "2012-10-17"
              Statement = [
                {
                  Effect   = "Allow"
                  Action   = ["secretsmanager:GetSecretValue"]
                  Resource = { "Fn::Sub" = "arn:aws:secretsmanager:*:$${AWS::AccountId}:secret:bazaar/*" }
                },
                {
                  Effect    = "Allow"
                  Action    = ["kms:Decrypt"]
                  Resource  = { "Fn::Sub" = "arn:aws:kms:*:$${AWS::AccountId}:key/*" }
                  Condition = { StringLike = { "kms:ViaService" = "secretsmanager.*.amazonaws.com" } }
                },
              ]
            }
          }]
          AssumeRolePolicyDocument = {
            Version = "2012-10-17"
            Statement = [{
              Effect    = "Allow"
              Principal = { AWS = "arn:aws:iam::${local.shared_services_id}:role/bazaar-ci-terraform-plan" }
              Action    = "sts:AssumeRole"
            }]
          }
        }
      }
      Deploy = {
        Type = "AWS::IAM::Role"
        Properties = {
          RoleName = "bazaar-deploy"
          # Kubernetes rights come from the cluster's access entry (namespace bazaar only); IAM only finds the cluster.
          Policies = [{
            PolicyName = "find-cluster"
            PolicyDocument = {
              Version = "2012-10-17"
              Statement = [{
                Effect   = "Allow"
                Action   = ["eks:DescribeCluster"]
                Resource = "arn:aws:eks:*:*:cluster/bazaar-*"
              }]
            }
          }]
          AssumeRolePolicyDocument = {
            Version = "2012-10-17"
            Statement = [{
              Effect    = "Allow"
              Principal = { AWS = "arn:aws:iam::${local.shared_services_id}:role/bazaar-ci-deploy" }
              Action    = "sts:AssumeRole"
            }]
          }
        }
      }
    }
  }
}

resource "aws_cloudformation_stack_set" "workload_roles" {
  name             = "bazaar-workload-roles"
  permission_model = "SERVICE_MANAGED"
  capabilities     = ["CAPABILITY_NAMED_IAM"]
  template_body    = jsonencode(local.workload_roles_template)

  auto_deployment {
    enabled                          = true
    retain_stacks_on_account_removal = false
  }

  lifecycle {
    ignore_changes = [administration_role_arn] # set by the service for SERVICE_MANAGED stack sets
  }
}

resource "aws_cloudformation_stack_set_instance" "workload_roles" {
  stack_set_name            = aws_cloudformation_stack_set.workload_roles.name
  stack_set_instance_region = "eu-west-1"
  deployment_targets {
    organizational_unit_ids = [aws_organizations_organizational_unit.this["nonprod"].id, aws_organizations_organizational_unit.this["prod"].id]
  }
}

output "organization_id" {
  description = "Organization id (bootstrap's organization_id)."
  value       = aws_organizations_organization.this.id
}

output "account_ids" {
  description = "Account id by name; copy into the roots' account_id locals."
  value       = { for name, account in aws_organizations_account.this : name => account.id }
}

output "organization_trail" {
  description = "Organization CloudTrail and its bucket."
  value = {
    trail  = module.audit_trail.trail_arn
    bucket = module.audit_trail.bucket
  }
}
