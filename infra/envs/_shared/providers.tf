# Shared by every environment root: infra/envs/<env>/shared-providers.tf is a relative symlink to this file, so
# the three roots configure their providers the same way. What differs (account, regions, cost tags) are the
# locals of each root's providers.tf. Edit here; the roots follow.

# The role Terraform works as in this account. Plans (pull requests, and the saved plan on main) run as the
# read-only role the plan CI role may assume; applies as the admin role the apply CI role may assume
# (infra/bootstrap). Ephemeral: it is not stored in the saved plan, so the apply job sets it again
# (TF_VAR_terraform_role=bazaar-terraform) and applies the reviewed plan with the admin role.
variable "terraform_role" {
  description = "Role assumed in the account: bazaar-terraform-readonly to plan, bazaar-terraform to apply."
  type        = string
  ephemeral   = true
  validation {
    condition     = contains(["bazaar-terraform-readonly", "bazaar-terraform"], var.terraform_role)
    error_message = "terraform_role must be bazaar-terraform-readonly (plan) or bazaar-terraform (apply)."
  }
}

provider "aws" {
  region              = local.region
  allowed_account_ids = [local.account_id]
  assume_role {
    role_arn = "arn:aws:iam::${local.account_id}:role/${var.terraform_role}"
  }
  default_tags {
    tags = local.tags
  }
}

provider "aws" {
  alias               = "dr"
  region              = local.dr_region
  allowed_account_ids = [local.account_id]
  assume_role {
    role_arn = "arn:aws:iam::${local.account_id}:role/${var.terraform_role}"
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
    role_arn = "arn:aws:iam::${local.account_id}:role/${var.terraform_role}"
  }
  default_tags {
    tags = local.tags
  }
}

# The cluster add-ons (modules/cluster-addons) are Helm releases. The API endpoint is private: plan and apply run
# on a runner inside the VPC or reaching it over the Transit Gateway (docs/infrastructure.md). The token is for the
# same role as the aws provider, whose EKS access entry gives it admin (apply) or a read-only view (plan).
provider "helm" {
  kubernetes = {
    host                   = module.platform.cluster_connection.endpoint
    cluster_ca_certificate = base64decode(module.platform.cluster_connection.certificate_authority)
    exec = {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "aws"
      args = [
        "eks", "get-token", "--region", local.region, "--cluster-name", module.platform.cluster_connection.name,
        "--role-arn", "arn:aws:iam::${local.account_id}:role/${var.terraform_role}",
      ]
    }
  }
}

# The dashboards and the AMP data source (modules/observability) go through the Managed Grafana workspace's API with
# a service account token Terraform creates; it lasts 30 days (docs/infrastructure.md, "Grafana dashboards").
provider "grafana" {
  url  = module.platform.grafana_connection.url
  auth = module.platform.grafana_connection.token
}
