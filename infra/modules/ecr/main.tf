# One repository per image in the shared-services account. Tags are immutable: a release is promoted from dev to
# prod by digest, never by re-tagging. Every workload account in the organization may pull.

terraform {
  required_version = "~> 1.11.0"
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 6.0" }
  }
}

variable "images" {
  description = "Image names; repositories are bazaar/<image>."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key for the image layers."
  type        = string
}

variable "organization_id" {
  description = "AWS Organizations id whose accounts may pull."
  type        = string
}

resource "aws_ecr_repository" "this" {
  for_each = toset(var.images)

  name                 = "bazaar/${each.value}"
  image_tag_mutability = "IMMUTABLE"
  force_delete         = false

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.kms_key_arn
  }
}

resource "aws_ecr_lifecycle_policy" "this" {
  for_each = aws_ecr_repository.this

  repository = each.value.name
  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Untagged layers from failed or superseded builds go after 14 days"
        selection    = { tagStatus = "untagged", countType = "sinceImagePushed", countUnit = "days", countNumber = 14 }
        action       = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep the last 200 builds of main (sha- tags), enough to roll back weeks"
        selection    = { tagStatus = "tagged", tagPrefixList = ["sha-"], countType = "imageCountMoreThan", countNumber = 200 }
        action       = { type = "expire" }
      },
    ]
  })
}

data "aws_iam_policy_document" "pull" {
  statement {
    sid     = "OrganizationPulls"
    actions = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalOrgID"
      values   = [var.organization_id]
    }
  }
}

resource "aws_ecr_repository_policy" "this" {
  for_each = aws_ecr_repository.this

  repository = each.value.name
  policy     = data.aws_iam_policy_document.pull.json
}

output "repository_urls" {
  description = "Repository URL by image."
  value       = { for image, repo in aws_ecr_repository.this : image => repo.repository_url }
}

output "repository_arns" {
  description = "Repository ARN by image."
  value       = { for image, repo in aws_ecr_repository.this : image => repo.arn }
}
