# The validated settings, as one object the platform module takes whole (modules/platform, var.settings).
output "settings" {
  description = "Validated environment settings plus the values derived from them."
  value = {
    environment         = var.environment
    name                = local.name
    tags                = var.tags
    region              = var.region
    dr_region           = var.dr_region
    domain_name         = var.domain_name
    alert_email         = var.alert_email
    vpc_cidr            = var.vpc_cidr
    az_count            = var.az_count
    subnets             = local.subnets
    nat_gateway_per_az  = var.nat_gateway_per_az
    kubernetes_version  = var.kubernetes_version
    graviton            = var.graviton
    node_groups         = var.node_groups
    node_ami_types      = local.node_ami_types
    karpenter           = var.karpenter
    multi_az            = var.multi_az
    deletion_protection = var.deletion_protection
    aurora              = var.aurora
    redis               = var.redis
    log_retention_days  = var.log_retention_days
    backup              = var.backup
    canary              = var.canary
    waf                 = var.waf
    monthly_budget_usd  = var.monthly_budget_usd
    services            = local.services
    redis_clients       = local.redis_clients
  }
}
