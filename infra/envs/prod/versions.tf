terraform {
  required_version = "~> 1.11.0"

  required_providers {
    aws     = { source = "hashicorp/aws", version = "~> 6.0" }
    random  = { source = "hashicorp/random", version = "~> 3.6" }
    archive = { source = "hashicorp/archive", version = "~> 2.7" }
    helm    = { source = "hashicorp/helm", version = "~> 3.0" }
    grafana = { source = "grafana/grafana", version = "~> 3.25" }
  }

  # State lives in the shared-services account (infra/bootstrap), read and written with the CI role's own
  # credentials; use_lockfile is S3-native locking (a .tflock object), so there is no DynamoDB table.
  backend "s3" {
    bucket       = "bazaar-terraform-state-222222222222"
    key          = "envs/prod/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    kms_key_id   = "alias/bazaar-terraform-state"
    use_lockfile = true
  }
}
