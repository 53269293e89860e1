terraform {
  required_version = "~> 1.11.0"
  required_providers {
    aws = {
      source                = "hashicorp/aws"
      version               = "~> 6.0"
      configuration_aliases = [aws.dr, aws.us_east_1]
    }
    random  = { source = "hashicorp/random", version = "~> 3.6" }
    helm    = { source = "hashicorp/helm", version = "~> 3.0" }
    grafana = { source = "grafana/grafana", version = "~> 3.25" }
  }
}
