# Every environment root passes these as literals, so a review of envs/<env>/main.tf shows exactly what that
# environment gets. The validation blocks are the guard rails: prod cannot be planned without Multi-AZ, deletion
# protection, 35 days of point-in-time recovery, three zones and cross-region backups.

variable "environment" {
  description = "Environment name; also the value of the Environment cost tag."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of dev, staging, prod."
  }
}

variable "tags" {
  description = "Cost and ownership tags applied to every resource through the provider's default_tags."
  type        = map(string)

  validation {
    condition = alltrue([
      for key in ["Project", "Environment", "Owner", "CostCenter", "ManagedBy"] : trimspace(lookup(var.tags, key, "")) != ""
    ])
    error_message = "tags must set Project, Environment, Owner, CostCenter and ManagedBy (the SCP rejects untagged resources)."
  }

  validation {
    condition     = lookup(var.tags, "Environment", "") == var.environment
    error_message = "tags.Environment must equal environment, or cost reports attribute spend to the wrong environment."
  }
}

variable "region" {
  description = "Primary region of the environment."
  type        = string

  validation {
    condition     = contains(["eu-west-1", "eu-central-1"], var.region)
    error_message = "region must be an approved region (eu-west-1, eu-central-1); the organization SCP denies the rest."
  }
}

variable "dr_region" {
  description = "Region that receives backup copies and snapshot copies."
  type        = string

  validation {
    condition     = contains(["eu-west-1", "eu-central-1"], var.dr_region) && var.dr_region != var.region
    error_message = "dr_region must be an approved region different from region."
  }
}

variable "domain_name" {
  description = "Public DNS name of the storefront in this environment (the hosted zone is created for it)."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9-]+\\.)+[a-z]{2,}$", var.domain_name))
    error_message = "domain_name must be a lower-case DNS name such as shop.example.com."
  }
}

variable "alert_email" {
  description = "Address subscribed to the alarm topic (an on-call tool's e-mail integration in prod)."
  type        = string

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$", var.alert_email))
    error_message = "alert_email must be an e-mail address."
  }
}

# --- network ---------------------------------------------------------------------------------------------------

variable "vpc_cidr" {
  description = "The environment's /16; environments must not overlap so the Transit Gateway can route between them."
  type        = string

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && endswith(var.vpc_cidr, "/16")
    error_message = "vpc_cidr must be a valid /16 CIDR block."
  }
}

variable "az_count" {
  description = "Availability zones used: 3 everywhere except dev, which may save money with 2."
  type        = number

  validation {
    condition     = contains([2, 3], var.az_count)
    error_message = "az_count must be 2 or 3."
  }

  validation {
    condition     = var.environment == "dev" || var.az_count == 3
    error_message = "staging and prod must span three availability zones."
  }
}

variable "nat_gateway_per_az" {
  description = "One NAT gateway per zone (zone-independent egress) instead of a single shared one."
  type        = bool

  validation {
    condition     = var.environment != "prod" || var.nat_gateway_per_az
    error_message = "prod needs a NAT gateway per availability zone; one shared gateway is a single point of failure."
  }
}

# --- compute ---------------------------------------------------------------------------------------------------

variable "kubernetes_version" {
  description = "EKS control plane version."
  type        = string

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "kubernetes_version must look like 1.33."
  }
}

variable "graviton" {
  description = "Run the general and spot node groups on arm64 (Graviton) instances; images are built multi-arch."
  type        = bool
}

variable "node_groups" {
  description = "Managed node groups: system (cluster add-ons), general (on-demand services) and spot (stateless services)."
  type = map(object({
    instance_types = list(string)
    min_size       = number
    desired_size   = number
    max_size       = number
  }))

  validation {
    condition     = toset(keys(var.node_groups)) == toset(["system", "general", "spot"])
    error_message = "node_groups must define exactly system, general and spot."
  }

  validation {
    condition     = alltrue([for g in values(var.node_groups) : g.min_size <= g.desired_size && g.desired_size <= g.max_size])
    error_message = "every node group needs min_size <= desired_size <= max_size."
  }

  validation {
    # Mirrors the organization SCP on approved instance families, so a plan fails before the API does.
    condition = alltrue(flatten([
      for g in values(var.node_groups) : [for t in g.instance_types : can(regex("^(t3|t4g|m6i|m7i|m7g|m8g|c7i|c7g|r7i|r7g)\\.", t))]
    ]))
    error_message = "node group instance types must come from the approved families (t3, t4g, m6i, m7i, m7g, m8g, c7i, c7g, r7i, r7g)."
  }

  validation {
    condition     = var.environment != "prod" || (var.node_groups["system"].min_size >= 3 && var.node_groups["general"].min_size >= 3)
    error_message = "prod needs at least three system and three general nodes (one per zone)."
  }

  validation {
    # Graviton families carry a "g" after the generation digit (m7g, c7g, t4g); x86 families do not.
    condition = alltrue([
      for name in ["general", "spot"] : alltrue([
        for t in var.node_groups[name].instance_types : can(regex("^[a-z]+[0-9]+g\\.", t)) == var.graviton
      ])
    ])
    error_message = "general and spot instance types must all be Graviton (arm64) when graviton is true, and all x86 otherwise."
  }
}

variable "karpenter" {
  description = "Karpenter's NodePools general (on-demand) and spot: the instance families it may launch, the most vCPU and memory each pool may hold, how long a node must be empty or underused before it is consolidated, and how many nodes of a pool may be disrupted at once."
  type = object({
    instance_families = list(string)
    limits = map(object({
      cpu       = number
      memory_gi = number
    }))
    consolidate_after = string
    disruption_budget = string
  })

  validation {
    # The same families as the organization SCP (approved-sizes); burstable t3/t4g are left to the system group.
    condition     = length(var.karpenter.instance_families) > 0 && alltrue([for f in var.karpenter.instance_families : contains(["m6i", "m7i", "m7g", "m8g", "c7i", "c7g", "r7i", "r7g"], f)])
    error_message = "karpenter.instance_families must be approved, non-burstable families (m6i, m7i, m7g, m8g, c7i, c7g, r7i, r7g)."
  }

  validation {
    # arm64 families only where images run on Graviton; with graviton on, x86 families may widen the spot pool.
    condition     = var.graviton || alltrue([for f in var.karpenter.instance_families : !can(regex("^[a-z]+[0-9]+g$", f))])
    error_message = "karpenter.instance_families may include Graviton (arm64) families only when graviton is true."
  }

  validation {
    condition     = toset(keys(var.karpenter.limits)) == toset(["general", "spot"]) && alltrue([for l in values(var.karpenter.limits) : l.cpu > 0 && l.memory_gi > 0])
    error_message = "karpenter.limits needs positive cpu and memory_gi for exactly general and spot."
  }

  validation {
    condition     = can(regex("^[0-9]+(s|m|h)$", var.karpenter.consolidate_after)) && can(regex("^([0-9]|[1-9][0-9]|100)%$|^[0-9]+$", var.karpenter.disruption_budget))
    error_message = "karpenter.consolidate_after must be a duration such as 5m, disruption_budget a node count or a percentage such as 10%."
  }
}

# --- data ------------------------------------------------------------------------------------------------------

variable "multi_az" {
  description = "Aurora readers and Redis replicas in other zones with automatic failover."
  type        = bool

  validation {
    condition     = var.environment != "prod" || var.multi_az
    error_message = "prod must be Multi-AZ."
  }
}

variable "deletion_protection" {
  description = "Deletion protection on the database cluster (and a final snapshot on destroy)."
  type        = bool

  validation {
    condition     = var.environment != "prod" || var.deletion_protection
    error_message = "prod must have deletion protection on."
  }
}

variable "aurora" {
  description = "Aurora PostgreSQL: serverless v2 (dev) or provisioned instances (staging, prod)."
  type = object({
    engine_version        = string
    serverless            = bool
    min_capacity_acu      = number
    max_capacity_acu      = number
    instance_class        = string
    reader_count          = number
    backup_retention_days = number
    # Performance Insights history: 7 days is free; longer is billed by the month (31-day steps, or 731 days).
    performance_insights_retention_days = number
    # Seconds between enhanced monitoring's OS samples (each environment has it; the policy rule database-operations).
    monitoring_interval_seconds = number
  })

  validation {
    condition     = var.aurora.backup_retention_days >= 7 && var.aurora.backup_retention_days <= 35
    error_message = "aurora.backup_retention_days must be between 7 and 35 (Aurora's limit)."
  }

  validation {
    condition     = var.environment != "prod" || var.aurora.backup_retention_days == 35
    error_message = "prod keeps 35 days of point-in-time recovery."
  }

  validation {
    condition     = var.environment != "prod" || (!var.aurora.serverless && var.aurora.reader_count >= 2)
    error_message = "prod runs a provisioned writer with at least two readers."
  }

  validation {
    condition     = !var.multi_az || var.aurora.reader_count >= 1
    error_message = "multi_az needs at least one Aurora reader to fail over to."
  }

  validation {
    condition     = var.aurora.min_capacity_acu >= 0.5 && var.aurora.min_capacity_acu <= var.aurora.max_capacity_acu
    error_message = "aurora capacity must satisfy 0.5 <= min_capacity_acu <= max_capacity_acu."
  }

  validation {
    condition = (var.aurora.performance_insights_retention_days == 7 || var.aurora.performance_insights_retention_days == 731 ||
    (var.aurora.performance_insights_retention_days % 31 == 0 && var.aurora.performance_insights_retention_days >= 31 && var.aurora.performance_insights_retention_days <= 713))
    error_message = "aurora.performance_insights_retention_days must be 7, a number of months times 31 (31 to 713), or 731, as RDS accepts."
  }

  validation {
    condition     = var.environment != "prod" || var.aurora.performance_insights_retention_days >= 465
    error_message = "prod keeps 15 months of Performance Insights (465 days), to compare a season with the year before."
  }

  validation {
    condition     = contains([1, 5, 10, 15, 30, 60], var.aurora.monitoring_interval_seconds)
    error_message = "aurora.monitoring_interval_seconds must be 1, 5, 10, 15, 30 or 60 (enhanced monitoring stays on everywhere)."
  }
}

variable "redis" {
  description = "Redis: mode external is two ElastiCache replication groups of this node type and count (state and cache, ADR 0015); inCluster (dev only) is the chart's own two Redis and creates no ElastiCache (node_type and num_cache_clusters are then unused)."
  type = object({
    mode               = optional(string, "external")
    engine_version     = string
    node_type          = string
    num_cache_clusters = number
  })

  validation {
    condition     = contains(["external", "inCluster"], var.redis.mode)
    error_message = "redis.mode must be external (ElastiCache) or inCluster (the chart's Redis), as the chart names them."
  }

  validation {
    condition     = var.redis.mode == "external" || var.environment == "dev"
    error_message = "Only dev may run Redis in the cluster; staging and prod use ElastiCache (redis.mode = external)."
  }

  validation {
    condition     = var.redis.mode == "external" || !var.multi_az
    error_message = "multi_az needs ElastiCache with a replica (redis.mode = external)."
  }

  validation {
    condition     = startswith(var.redis.engine_version, "7.")
    error_message = "redis.engine_version must be Redis 7."
  }

  validation {
    condition     = !var.multi_az || var.redis.num_cache_clusters >= 2
    error_message = "multi_az needs at least two Redis nodes (a primary and a replica)."
  }
}

# --- operations ------------------------------------------------------------------------------------------------

variable "log_retention_days" {
  description = "CloudWatch log retention (flow logs, control plane, application)."
  type        = number

  validation {
    condition     = contains([7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (7, 14, 30, 60, 90, 180, 365, ...)."
  }

  validation {
    condition     = var.environment != "prod" || var.log_retention_days >= 365
    error_message = "prod keeps logs for at least a year (audit)."
  }
}

variable "backup" {
  description = "AWS Backup: daily recovery points kept for retention_days, copied to dr_region when cross_region_copy."
  type = object({
    retention_days    = number
    cross_region_copy = bool
    # Lock the vaults (governance mode): recovery points cannot be deleted before their retention ends, except by a
    # principal granted the governance bypass.
    vault_lock = bool
  })

  validation {
    condition     = var.backup.retention_days >= 7
    error_message = "backup.retention_days must be at least 7."
  }

  validation {
    condition     = var.environment != "prod" || (var.backup.cross_region_copy && var.backup.retention_days >= 35)
    error_message = "prod copies backups to the DR region and keeps them at least 35 days."
  }

  validation {
    condition     = var.environment != "prod" || var.backup.vault_lock
    error_message = "prod locks its backup vaults (backup.vault_lock), so recovery points cannot be deleted before their retention ends."
  }
}

variable "canary" {
  description = "Synthetic checks: place_order lets the checkout canary place a real order with the sandbox test card (not in prod, where it stops after pricing the cart)."
  type = object({
    place_order = bool
  })

  validation {
    condition     = var.environment != "prod" || !var.canary.place_order
    error_message = "prod's checkout canary must not place orders (canary.place_order = false): they would be real orders."
  }
}

variable "waf" {
  description = "Edge protection: requests per 5 minutes per client IP, and countries that are blocked outright."
  type = object({
    rate_limit_per_5min = number
    blocked_countries   = list(string)
  })

  validation {
    condition     = var.waf.rate_limit_per_5min >= 100 && alltrue([for c in var.waf.blocked_countries : can(regex("^[A-Z]{2}$", c))])
    error_message = "waf.rate_limit_per_5min must be >= 100 (WAF's minimum) and blocked_countries ISO 3166 alpha-2 codes."
  }
}

variable "monthly_budget_usd" {
  description = "AWS Budgets limit for the environment's account; alerts at 80% actual and 100% forecast."
  type        = number

  validation {
    condition     = var.monthly_budget_usd > 0
    error_message = "monthly_budget_usd must be positive."
  }
}
