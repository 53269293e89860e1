# dev: two zones, one NAT gateway, Aurora Serverless v2 that idles at half an ACU, a single Redis node. Cheap,
# and allowed to be torn down: no deletion protection, 7 days of PITR, no cross-region copies.

module "settings" {
  source = "../../modules/settings"

  environment = "dev"
  tags        = local.tags
  region      = local.region
  dr_region   = local.dr_region
  domain_name = "dev.shop.example.com"
  alert_email = "platform-alerts@example.com"

  vpc_cidr           = "10.10.0.0/16"
  az_count           = 2
  nat_gateway_per_az = false

  kubernetes_version = "1.33"
  graviton           = false
  node_groups = {
    system  = { instance_types = ["t3.medium"], min_size = 2, desired_size = 2, max_size = 2 }
    general = { instance_types = ["m7i.large"], min_size = 1, desired_size = 1, max_size = 3 }
    spot    = { instance_types = ["m7i.large", "m6i.large", "c7i.large"], min_size = 0, desired_size = 1, max_size = 4 }
  }
  karpenter = {
    instance_families = ["m7i", "m6i", "c7i"]
    limits            = { general = { cpu = 16, memory_gi = 64 }, spot = { cpu = 32, memory_gi = 128 } }
    consolidate_after = "1m"
    disruption_budget = "20%"
  }

  multi_az            = false
  deletion_protection = false
  aurora = {
    engine_version                      = "16.6"
    serverless                          = true
    min_capacity_acu                    = 0.5
    max_capacity_acu                    = 4
    instance_class                      = "db.serverless"
    reader_count                        = 0
    backup_retention_days               = 7
    performance_insights_retention_days = 7
    monitoring_interval_seconds         = 60
  }
  redis = {
    mode               = "inCluster" # the chart's Redis (deploy/helm/bazaar, redis.mode); no ElastiCache in dev
    engine_version     = "7.1"
    node_type          = "cache.t4g.micro"
    num_cache_clusters = 1
  }

  log_retention_days = 30
  backup             = { retention_days = 7, cross_region_copy = false, vault_lock = false }
  waf                = { rate_limit_per_5min = 1000, blocked_countries = [] }
  monthly_budget_usd = 900
  canary             = { place_order = true }
}

module "platform" {
  source    = "../../modules/platform"
  providers = { aws = aws, aws.dr = aws.dr, aws.us_east_1 = aws.us_east_1 }

  settings            = module.settings.settings
  admin_role_arn      = "arn:aws:iam::${local.account_id}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_PlatformAdmin_0000000000000000"
  deploy_role_arn     = "arn:aws:iam::${local.account_id}:role/bazaar-deploy"
  transit_gateway_asn = 64510
  ingress_alb_ready   = false # flip after the first deploy creates the ALB
}
