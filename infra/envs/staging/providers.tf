# This environment's account, regions and cost tags: the providers (shared-providers.tf, a symlink to
# ../_shared/providers.tf) and module.settings (main.tf) both read them, so they cannot disagree. Every resource
# gets the cost tags through default_tags; modules/settings validates them and the organization's tag policy SCP
# rejects resources created without them.
locals {
  account_id = "444444444444" # the staging account (infra/organization output account_ids)
  region     = "eu-west-1"
  dr_region  = "eu-central-1"
  tags = {
    Project     = "bazaar"
    Environment = "staging"
    Owner       = "platform"
    CostCenter  = "bazaar-staging"
    ManagedBy   = "terraform"
  }
}
