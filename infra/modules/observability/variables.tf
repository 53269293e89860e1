variable "name" {
  description = "Name prefix, e.g. bazaar-prod."
  type        = string
}

variable "environment" {
  description = "Environment name (names the canaries and tags the log metrics)."
  type        = string
}

variable "domain_name" {
  description = "Storefront DNS name the canaries call."
  type        = string
}

variable "alert_email" {
  description = "Subscriber of the alarm topic."
  type        = string
}

variable "logs_kms_key_arn" {
  description = "KMS key of the log groups."
  type        = string
}

variable "alerts_kms_key_arn" {
  description = "KMS key of the SNS topic."
  type        = string
}

variable "prometheus_kms_key_arn" {
  description = "KMS key of the Prometheus workspace."
  type        = string
}

variable "log_retention_days" {
  description = "Application log retention."
  type        = number
}

variable "artifacts_bucket_id" {
  description = "Bucket that keeps canary screenshots and HAR files under canaries/."
  type        = string
}

variable "artifacts_bucket_arn" {
  description = "ARN of that bucket."
  type        = string
}

variable "artifacts_kms_key_arn" {
  description = "KMS key of the artifacts bucket."
  type        = string
}

variable "aurora_cluster_identifier" {
  description = "Aurora cluster watched by the alarms."
  type        = string
}

variable "redis_replication_group_ids" {
  description = "ElastiCache replication groups watched by the alarms, by role (cache, state); empty where the environment runs no ElastiCache (settings redis.mode = inCluster)."
  type        = map(string)
  default     = {}
}

variable "canary_user_secret_arn" {
  description = "Secret holding the synthetic customer's e-mail and password for the checkout canary."
  type        = string
}

variable "canary_places_orders" {
  description = "Whether the checkout canary places an order with the sandbox test card (settings canary.place_order; false stops it after pricing the cart)."
  type        = bool
}

variable "alb_arn_suffix" {
  description = "The ingress ALB's CloudWatch dimension (app/<name>/<id>), for alarms on what the ALB itself answers; null until the first deploy has created the ALB."
  type        = string
  default     = null
}
