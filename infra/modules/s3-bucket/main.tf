# The only way Bazaar makes a bucket: versioned, encrypted, public access blocked, TLS-only, owner-enforced, with
# lifecycle rules. Callers choose the key, retention and object lock, not whether the guard rails apply.

terraform {
  required_version = "~> 1.11.0"
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 6.0" }
  }
}

variable "name" {
  description = "Globally unique bucket name."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for SSE-KMS. Null means SSE-S3, only for buckets AWS services write to without KMS support (ALB access logs)."
  type        = string
}

variable "object_lock" {
  description = "Object lock in the given mode (GOVERNANCE or COMPLIANCE) for the given days; null for none."
  type = object({
    mode = string
    days = number
  })
  default = null

  validation {
    condition     = var.object_lock == null || contains(["GOVERNANCE", "COMPLIANCE"], try(var.object_lock.mode, ""))
    error_message = "object_lock.mode must be GOVERNANCE or COMPLIANCE."
  }
}

variable "lifecycle_rules" {
  description = "Storage lifecycle: move current objects to Infrequent Access, expire them (null keeps them), expire old versions."
  type = object({
    transition_to_ia_days       = optional(number)
    expire_current_days         = optional(number)
    expire_noncurrent_days      = number
    abort_incomplete_multipart  = optional(number, 7)
    transition_to_glacier_days  = optional(number)
    noncurrent_versions_to_keep = optional(number, 3)
  })
}

variable "access_log_bucket" {
  description = "Bucket receiving server access logs for this one (null for the log bucket itself)."
  type        = string
  default     = null
}

variable "policy_statements_json" {
  description = "Extra bucket policy statements (an aws_iam_policy_document JSON) merged with the TLS-only statement."
  type        = string
  default     = null
}

resource "aws_s3_bucket" "this" {
  bucket              = var.name
  object_lock_enabled = var.object_lock != null
  force_destroy       = false
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    object_ownership = "BucketOwnerEnforced" # ACLs off: access is decided by policies only
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = var.kms_key_arn != null # one KMS call per bucket key instead of per object
  }
}

resource "aws_s3_bucket_object_lock_configuration" "this" {
  count  = var.object_lock == null ? 0 : 1
  bucket = aws_s3_bucket.this.id
  rule {
    default_retention {
      mode = var.object_lock.mode
      days = var.object_lock.days
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "storage-lifecycle"
    status = "Enabled"
    filter {}

    dynamic "transition" {
      for_each = var.lifecycle_rules.transition_to_ia_days == null ? [] : [var.lifecycle_rules.transition_to_ia_days]
      content {
        days          = transition.value
        storage_class = "STANDARD_IA"
      }
    }

    dynamic "transition" {
      for_each = var.lifecycle_rules.transition_to_glacier_days == null ? [] : [var.lifecycle_rules.transition_to_glacier_days]
      content {
        days          = transition.value
        storage_class = "GLACIER_IR"
      }
    }

    dynamic "expiration" {
      for_each = var.lifecycle_rules.expire_current_days == null ? [] : [var.lifecycle_rules.expire_current_days]
      content {
        days = expiration.value
      }
    }

    noncurrent_version_expiration {
      noncurrent_days           = var.lifecycle_rules.expire_noncurrent_days
      newer_noncurrent_versions = var.lifecycle_rules.noncurrent_versions_to_keep
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = var.lifecycle_rules.abort_incomplete_multipart
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_logging" "this" {
  count         = var.access_log_bucket == null ? 0 : 1
  bucket        = aws_s3_bucket.this.id
  target_bucket = var.access_log_bucket
  target_prefix = "s3/${var.name}/"
}

data "aws_iam_policy_document" "tls_only" {
  source_policy_documents = var.policy_statements_json == null ? [] : [var.policy_statements_json]

  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"] # a wildcard is right in a Deny: nothing goes over plain HTTP
    resources = [
      aws_s3_bucket.this.arn,
      "${aws_s3_bucket.this.arn}/*",
    ]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  statement {
    sid       = "DenyTlsBelow12"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "NumericLessThan"
      variable = "s3:TlsVersion"
      values   = ["1.2"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.tls_only.json

  # The public access block must exist first, or a policy mistake could briefly make the bucket public.
  depends_on = [aws_s3_bucket_public_access_block.this]
}

output "id" {
  description = "Bucket name."
  value       = aws_s3_bucket.this.id
}

output "arn" {
  description = "Bucket ARN."
  value       = aws_s3_bucket.this.arn
}

output "regional_domain_name" {
  description = "Regional endpoint, the origin CloudFront uses."
  value       = aws_s3_bucket.this.bucket_regional_domain_name
}
