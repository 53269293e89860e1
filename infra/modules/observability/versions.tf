terraform {
  required_version = "~> 1.11.0"
  required_providers {
    aws     = { source = "hashicorp/aws", version = "~> 6.0" }
    archive = { source = "hashicorp/archive", version = "~> 2.7" }
    grafana = { source = "grafana/grafana", version = "~> 3.25" }
  }
}
