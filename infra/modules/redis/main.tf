# One ElastiCache Redis 7 replication group; the platform makes two (ADR 0015). role "state" holds what exists
# nowhere else (carts, risk's velocity counters) and never evicts: when full it refuses writes, and its memory alarm
# comes first. role "cache" holds what can be read again from its owner (catalog's cache-aside pages, rate-limit
# windows) and evicts the least recently used key when full. TLS is required, data is encrypted at rest with our
# key, clients authenticate with an AUTH token kept in Secrets Manager.

terraform {
  required_version = "~> 1.11.0"
  required_providers {
    aws    = { source = "hashicorp/aws", version = "~> 6.0" }
    random = { source = "hashicorp/random", version = "~> 3.6" }
  }
}

variable "name" {
  description = "Platform name, e.g. bazaar-prod; the replication group is <name>-<role>."
  type        = string
}

variable "role" {
  description = "state (noeviction: carts, velocity counters) or cache (allkeys-lru)."
  type        = string

  validation {
    condition     = contains(["cache", "state"], var.role)
    error_message = "role must be cache or state."
  }
}

variable "environment" {
  description = "Environment, part of the secret name."
  type        = string
}

variable "vpc_id" {
  description = "VPC."
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
  description = "Redis 7 version."
  type        = string
}

variable "node_type" {
  description = "Cache node type."
  type        = string
}

variable "num_cache_clusters" {
  description = "Nodes: one primary plus replicas."
  type        = number
}

variable "multi_az" {
  description = "Replicas in other zones and automatic failover."
  type        = bool
}

variable "kms_key_arn" {
  description = "KMS key for data at rest."
  type        = string
}

variable "secrets_kms_key_arn" {
  description = "KMS key of the AUTH token secret."
  type        = string
}

variable "logs_kms_key_arn" {
  description = "KMS key of the slow log group."
  type        = string
}

variable "log_retention_days" {
  description = "Slow log retention."
  type        = number
}

locals {
  id = "${var.name}-${var.role}"
  # What Redis does when maxmemory is reached (ElastiCache's default.redis7 says volatile-lru, which would evict carts:
  # they carry a TTL).
  maxmemory_policy = { cache = "allkeys-lru", state = "noeviction" }[var.role]
}

resource "aws_elasticache_subnet_group" "this" {
  name       = local.id
  subnet_ids = var.subnet_ids
}

resource "aws_elasticache_parameter_group" "this" {
  name        = local.id
  family      = "redis7"
  description = "Bazaar Redis ${var.role}: maxmemory-policy ${local.maxmemory_policy}"

  parameter {
    name  = "maxmemory-policy"
    value = local.maxmemory_policy
  }
}

resource "aws_security_group" "this" {
  name        = "${local.id}-redis"
  description = "Redis ${var.role} from the app tier only"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "redis" {
  for_each = toset(var.client_cidrs)

  security_group_id = aws_security_group.this.id
  description       = "Redis (TLS) from the app subnets"
  ip_protocol       = "tcp"
  from_port         = 6379
  to_port           = 6379
  cidr_ipv4         = each.value
}

# ElastiCache accepts 16-128 printable characters without @, " or /; letters and digits avoid every escape issue.
resource "random_password" "auth" {
  length  = 64
  special = false
}

resource "aws_cloudwatch_log_group" "slow_log" {
  name              = "/bazaar/${var.name}/redis-${var.role}-slow-log"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id = local.id
  description          = var.role == "state" ? "Bazaar carts and velocity counters (never evicts)" : "Bazaar caches and rate limits (evicts)"
  engine               = "redis"
  engine_version       = var.engine_version
  node_type            = var.node_type
  num_cache_clusters   = var.num_cache_clusters
  port                 = 6379
  parameter_group_name = aws_elasticache_parameter_group.this.name

  subnet_group_name  = aws_elasticache_subnet_group.this.name
  security_group_ids = [aws_security_group.this.id]

  automatic_failover_enabled = var.multi_az
  multi_az_enabled           = var.multi_az

  at_rest_encryption_enabled = true
  kms_key_id                 = var.kms_key_arn
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
  auth_token                 = random_password.auth.result
  auth_token_update_strategy = "ROTATE"

  snapshot_retention_limit   = var.multi_az ? 7 : 1
  snapshot_window            = "01:00-02:00"
  maintenance_window         = "sun:04:30-sun:05:30"
  auto_minor_version_upgrade = true
  apply_immediately          = false

  log_delivery_configuration {
    destination      = aws_cloudwatch_log_group.slow_log.name
    destination_type = "cloudwatch-logs"
    log_format       = "json"
    log_type         = "slow-log"
  }
}

resource "aws_secretsmanager_secret" "redis" {
  name                    = "bazaar/${var.environment}/redis-${var.role}"
  description             = "Redis ${var.role} endpoint and AUTH token for the services that use it"
  kms_key_id              = var.secrets_kms_key_arn
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "redis" {
  secret_id = aws_secretsmanager_secret.redis.id
  secret_string = jsonencode({ # the chart reads endpoint and authToken
    endpoint  = aws_elasticache_replication_group.this.primary_endpoint_address
    authToken = random_password.auth.result
    port      = 6379
    ssl       = true
  })
}

output "replication_group_id" {
  description = "Replication group id (alarms)."
  value       = aws_elasticache_replication_group.this.id
}

output "secret_arn" {
  description = "ARN of the secret with host, port and AUTH token."
  value       = aws_secretsmanager_secret.redis.arn
}

output "secret_name" {
  description = "Name of that secret."
  value       = aws_secretsmanager_secret.redis.name
}
