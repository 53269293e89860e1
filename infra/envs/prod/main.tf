# prod: the settings below are the whole difference from the other environments. modules/settings refuses a
# prod without Multi-AZ, deletion protection, 35-day PITR, three zones or cross-region backups.

module "settings" {
  source = "../../modules/settings"

  environment = "prod"
  tags        = local.tags
  region      = local.region
  dr_region   = local.dr_region
  domain_name = "shop.example.com"
  alert_email = "oncall@example.com"

  vpc_cidr           = "10.30.0.0/16"
  az_count           = 3
  nat_gateway_per_az = true

  kubernetes_version = "1.33"
  graviton           = true # ~20% cheaper per vCPU than the x86 equivalents; images are multi-arch
  node_groups = {
    system  = { instance_types = ["m7g.large"], min_size = 3, desired_size = 3, max_size = 4 }
    general = { instance_types = ["m7g.xlarge"], min_size = 3, desired_size = 3, max_size = 9 }
    spot    = { instance_types = ["m7g.xlarge", "c7g.xlarge", "m8g.xlarge"], min_size = 0, desired_size = 2, max_size = 12 }
  }
  karpenter = {
    instance_families = ["m7g", "m8g", "c7g", "r7g", "m7i", "c7i"]
    limits            = { general = { cpu = 96, memory_gi = 384 }, spot = { cpu = 192, memory_gi = 768 } }
    consolidate_after = "10m"
    disruption_budget = "10%"
  }

  multi_az            = true
  deletion_protection = true
  aurora = {
    engine_version                      = "16.6"
    serverless                          = false
    min_capacity_acu                    = 0.5 # unused: provisioned
    max_capacity_acu                    = 0.5 # unused: provisioned
    instance_class                      = "db.r7g.large"
    reader_count                        = 2
    backup_retention_days               = 35
    performance_insights_retention_days = 465
    monitoring_interval_seconds         = 15
  }
  redis = {
    mode               = "external" # ElastiCache
    engine_version     = "7.1"
    node_type          = "cache.r7g.large"
    num_cache_clusters = 3
  }

  log_retention_days = 365
  backup             = { retention_days = 35, cross_region_copy = true, vault_lock = true }
  waf                = { rate_limit_per_5min = 2000, blocked_countries = ["KP", "IR", "SY", "CU"] }
  monthly_budget_usd = 5000
  canary             = { place_order = false }
}

module "platform" {
  source    = "../../modules/platform"
  providers = { aws = aws, aws.dr = aws.dr, aws.us_east_1 = aws.us_east_1 }

  settings            = module.settings.settings
  admin_role_arn      = "arn:aws:iam::${local.account_id}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_PlatformAdmin_0000000000000000"
  deploy_role_arn     = "arn:aws:iam::${local.account_id}:role/bazaar-deploy"
  transit_gateway_asn = 64530
  ingress_alb_ready   = true
}
