terraform {
  required_version = "~> 1.11.0"

  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 6.0" }
  }

  # First apply runs with local state (comment this block out); then `terraform init -migrate-state` moves the
  # state into the bucket this root creates. See docs/infrastructure.md, "Bootstrap and apply order".
  backend "s3" {
    bucket       = "bazaar-terraform-state-222222222222"
    key          = "bootstrap/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    kms_key_id   = "alias/bazaar-terraform-state"
    use_lockfile = true
  }
}

locals {
  account_id = "222222222222" # shared-services account (infra/organization output account_ids)
  tags = {
    Project     = "bazaar"
    Environment = "shared"
    Owner       = "platform"
    CostCenter  = "bazaar-shared"
    ManagedBy   = "terraform"
  }
}

provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = [local.account_id]
  default_tags {
    tags = local.tags
  }
}
