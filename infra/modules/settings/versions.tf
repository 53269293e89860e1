# Pure configuration: no provider, so `terraform validate` and `terraform test` run offline (scripts/check-infra.sh).
terraform {
  required_version = "~> 1.11.0"
}
