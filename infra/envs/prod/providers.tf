# Every resource gets the cost tags through default_tags; modules/settings validates them and the organization's
# tag policy SCP rejects resources created without them.
locals {
  account_id = "555555555555" # the prod account (infra/organization output account_ids)
  tags = {
    Project     = "bazaar"
    Environment = "prod"
    Owner       = "platform"
    CostCenter  = "bazaar-prod"
    ManagedBy   = "terraform"
  }
}

provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = [local.account_id]
  assume_role {
    role_arn = "arn:aws:iam::${local.account_id}:role/bazaar-terraform"
  }
  default_tags {
    tags = local.tags
  }
}

provider "aws" {
  alias               = "dr"
  region              = "eu-central-1"
  allowed_account_ids = [local.account_id]
  assume_role {
    role_arn = "arn:aws:iam::${local.account_id}:role/bazaar-terraform"
  }
  default_tags {
    tags = local.tags
  }
}

# CloudFront only accepts certificates from us-east-1; nothing else is created there.
provider "aws" {
  alias               = "us_east_1"
  region              = "us-east-1"
  allowed_account_ids = [local.account_id]
  assume_role {
    role_arn = "arn:aws:iam::${local.account_id}:role/bazaar-terraform"
  }
  default_tags {
    tags = local.tags
  }
}
