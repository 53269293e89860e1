terraform {
  required_version = "~> 1.11.0"
  required_providers {
    helm = { source = "hashicorp/helm", version = "~> 3.0" }
  }
}
