# staging: prod's shape (three zones, provisioned Aurora with a reader, Multi-AZ Redis) at a smaller size, so
# failover and upgrades are rehearsed here first. No cross-region copies and no deletion protection.

module "settings" {
  source = "../../modules/settings"

  environment = "staging"
  tags        = local.tags
  region      = local.region
  dr_region   = local.dr_region
  domain_name = "staging.shop.example.com"
  alert_email = "platform-alerts@example.com"

  vpc_cidr           = "10.20.0.0/16"
  az_count           = 3
  nat_gateway_per_az = false

  kubernetes_version = "1.33"
  graviton           = true
  node_groups = {
    system  = { instance_types = ["t4g.large"], min_size = 2, desired_size = 2, max_size = 3 }
    general = { instance_types = ["m7g.large"], min_size = 2, desired_size = 2, max_size = 6 }
    spot    = { instance_types = ["m7g.large", "c7g.large"], min_size = 0, desired_size = 1, max_size = 6 }
  }
  karpenter = {
    instance_families = ["m7g", "c7g", "m7i", "c7i"]
    limits            = { general = { cpu = 32, memory_gi = 128 }, spot = { cpu = 48, memory_gi = 192 } }
    consolidate_after = "5m"
    disruption_budget = "20%"
  }

  multi_az            = true
  deletion_protection = false
  aurora = {
    engine_version                      = "16.6"
    serverless                          = false
    min_capacity_acu                    = 0.5 # unused: provisioned
    max_capacity_acu                    = 0.5 # unused: provisioned
    instance_class                      = "db.t4g.medium"
    reader_count                        = 1
    backup_retention_days               = 14
    performance_insights_retention_days = 7
    monitoring_interval_seconds         = 60
  }
  redis = {
    mode               = "external" # ElastiCache
    engine_version     = "7.1"
    node_type          = "cache.t4g.small"
    num_cache_clusters = 2
  }

  log_retention_days = 90
  backup             = { retention_days = 14, cross_region_copy = false, vault_lock = false }
  waf                = { rate_limit_per_5min = 2000, blocked_countries = ["KP", "IR", "SY", "CU"] }
  monthly_budget_usd = 1300
  canary             = { place_order = true }
}

module "platform" {
  source    = "../../modules/platform"
  providers = { aws = aws, aws.dr = aws.dr, aws.us_east_1 = aws.us_east_1 }

  settings            = module.settings.settings
  admin_role_arn      = "arn:aws:iam::${local.account_id}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_PlatformAdmin_0000000000000000"
  deploy_role_arn     = "arn:aws:iam::${local.account_id}:role/bazaar-deploy"
  transit_gateway_asn = 64520
  ingress_alb_ready   = true
}
