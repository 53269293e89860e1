variable "name" {
  description = "Name prefix, e.g. bazaar-prod."
  type        = string
}

variable "domain_name" {
  description = "Storefront DNS name; media is served from media.<domain_name>."
  type        = string
}

variable "cluster_name" {
  description = "Cluster whose load balancer controller creates the storefront ALB."
  type        = string
}

variable "ingress_group" {
  description = "alb.ingress.kubernetes.io/group.name of the Bazaar Ingress; the ALB carries it as ingress.k8s.aws/stack."
  type        = string
  default     = "bazaar"
}

variable "ingress_alb_ready" {
  description = "True once the chart is deployed and its ALB exists: then the primary failover record and its health check are created."
  type        = bool
}

variable "media_bucket_id" {
  description = "Media bucket name."
  type        = string
}

variable "media_bucket_regional_domain_name" {
  description = "Media bucket regional endpoint (CloudFront origin)."
  type        = string
}

variable "logs_kms_key_arn" {
  description = "KMS key of the WAF log group."
  type        = string
}

variable "log_retention_days" {
  description = "WAF log retention."
  type        = number
}

variable "waf_rate_limit_per_5min" {
  description = "Requests per 5 minutes per client IP before WAF blocks it."
  type        = number
}

variable "waf_blocked_countries" {
  description = "ISO country codes blocked by the geo rule."
  type        = list(string)
}
