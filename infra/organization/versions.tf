terraform {
  required_version = "~> 1.11.0"

  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 6.0" }
  }

  backend "s3" {
    bucket       = "bazaar-terraform-state-222222222222"
    key          = "organization/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    kms_key_id   = "alias/bazaar-terraform-state"
    use_lockfile = true
  }
}

locals {
  management_account_id = "000000000000"
  # Known after the first, targeted apply creates the accounts (docs/infrastructure.md, apply order).
  security_account_id = "111111111111"
  tags = {
    Project     = "bazaar"
    Environment = "organization"
    Owner       = "platform"
    CostCenter  = "bazaar-shared"
    ManagedBy   = "terraform"
  }
}

provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = [local.management_account_id]
  default_tags {
    tags = local.tags
  }
}

# The log archive lives in the security account; the management account reaches it through the role
# Organizations creates in every new account.
provider "aws" {
  alias               = "security"
  region              = "eu-west-1"
  allowed_account_ids = [local.security_account_id]
  assume_role {
    role_arn = "arn:aws:iam::${local.security_account_id}:role/OrganizationAccountAccessRole"
  }
  default_tags {
    tags = local.tags
  }
}
