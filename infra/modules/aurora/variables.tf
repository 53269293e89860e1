variable "name" {
  description = "Cluster identifier, e.g. bazaar-prod."
  type        = string
}

variable "environment" {
  description = "Environment, part of the secret names."
  type        = string
}

variable "services" {
  description = "Services that get a database, a login role and a secret."
  type        = list(string)
}

variable "vpc_id" {
  description = "VPC of the cluster."
  type        = string
}

variable "subnet_ids" {
  description = "Private-data subnets."
  type        = list(string)
}

variable "client_cidrs" {
  description = "App-tier CIDRs allowed to connect."
  type        = list(string)
}

variable "engine_version" {
  description = "Aurora PostgreSQL version, e.g. 16.6."
  type        = string
}

variable "serverless" {
  description = "Serverless v2 instances instead of provisioned ones."
  type        = bool
}

variable "min_capacity_acu" {
  description = "Serverless v2 minimum capacity."
  type        = number
}

variable "max_capacity_acu" {
  description = "Serverless v2 maximum capacity."
  type        = number
}

variable "instance_class" {
  description = "Provisioned instance class."
  type        = string
}

variable "reader_count" {
  description = "Readers besides the writer; with the subnet group spanning zones they land in other zones."
  type        = number
}

variable "backup_retention_days" {
  description = "Point-in-time recovery window."
  type        = number
}

variable "deletion_protection" {
  description = "Deletion protection."
  type        = bool
}

variable "kms_key_arn" {
  description = "KMS key for storage and Performance Insights."
  type        = string
}

variable "secrets_kms_key_arn" {
  description = "KMS key for the master and service secrets."
  type        = string
}

variable "performance_insights_retention_days" {
  description = "Performance Insights history (settings aurora.performance_insights_retention_days): 7 is free; longer is billed."
  type        = number
}

variable "enhanced_monitoring_interval" {
  description = "Seconds between OS metric samples (settings aurora.monitoring_interval_seconds)."
  type        = number
}
