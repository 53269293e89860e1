terraform {
  required_version = "~> 1.11.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
      # CloudFront certificates must live in us-east-1.
      configuration_aliases = [aws.us_east_1]
    }
  }
}
