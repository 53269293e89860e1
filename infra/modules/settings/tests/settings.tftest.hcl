# `terraform test` in this folder (scripts/check-infra.sh runs it). The file-level variables are a valid prod
# configuration; each run overrides what it is about.

variables {
  environment = "prod"
  tags = {
    Project     = "bazaar"
    Environment = "prod"
    Owner       = "platform"
    CostCenter  = "bazaar-prod"
    ManagedBy   = "terraform"
  }
  region             = "eu-west-1"
  dr_region          = "eu-central-1"
  domain_name        = "shop.example.com"
  alert_email        = "oncall@example.com"
  vpc_cidr           = "10.30.0.0/16"
  az_count           = 3
  nat_gateway_per_az = true
  kubernetes_version = "1.33"
  graviton           = true
  node_groups = {
    system  = { instance_types = ["m7g.large"], min_size = 3, desired_size = 3, max_size = 4 }
    general = { instance_types = ["m7g.xlarge"], min_size = 3, desired_size = 3, max_size = 9 }
    spot    = { instance_types = ["m7g.xlarge", "c7g.xlarge"], min_size = 0, desired_size = 2, max_size = 12 }
  }
  karpenter = {
    instance_families = ["m7g", "c7g", "m7i"]
    limits            = { general = { cpu = 96, memory_gi = 384 }, spot = { cpu = 192, memory_gi = 768 } }
    consolidate_after = "10m"
    disruption_budget = "10%"
  }
  multi_az            = true
  deletion_protection = true
  aurora = {
    engine_version                      = "16.6"
    serverless                          = false
    min_capacity_acu                    = 0.5
    max_capacity_acu                    = 0.5
    instance_class                      = "db.r7g.large"
    reader_count                        = 2
    backup_retention_days               = 35
    performance_insights_retention_days = 465
    monitoring_interval_seconds         = 15
  }
  redis              = { engine_version = "7.1", node_type = "cache.r7g.large", num_cache_clusters = 3 }
  log_retention_days = 365
  backup             = { retention_days = 35, cross_region_copy = true, vault_lock = true }
  waf                = { rate_limit_per_5min = 2000, blocked_countries = ["KP"] }
  monthly_budget_usd = 5000
  canary             = { place_order = false }
}

run "prod_is_accepted" {
  command = plan

  assert {
    condition     = output.settings.name == "bazaar-prod" && output.settings.multi_az && output.settings.deletion_protection
    error_message = "prod settings should pass through unchanged"
  }
}

run "subnet_plan_matches_the_documented_layout" {
  command = plan

  assert {
    condition     = output.settings.subnets.private_app == ["10.30.0.0/19", "10.30.32.0/19", "10.30.64.0/19"]
    error_message = "private-app subnets should be three /19s at the start of the VPC"
  }
  assert {
    condition     = output.settings.subnets.public == ["10.30.96.0/20", "10.30.112.0/20", "10.30.128.0/20"]
    error_message = "public subnets should be three /20s after the app tier"
  }
  assert {
    condition     = output.settings.subnets.private_data == ["10.30.144.0/22", "10.30.148.0/22", "10.30.152.0/22"]
    error_message = "private-data subnets should be three /22s after the public tier"
  }
}

run "graviton_node_groups_use_the_arm64_image" {
  command = plan

  assert {
    condition     = output.settings.node_ami_types["general"] == "AL2023_ARM_64_STANDARD" && output.settings.node_ami_types["spot"] == "AL2023_ARM_64_STANDARD"
    error_message = "Graviton node groups need the arm64 AMI type"
  }
}

run "dev_may_use_two_zones_serverless_and_one_nat" {
  command = plan

  variables {
    environment        = "dev"
    tags               = { Project = "bazaar", Environment = "dev", Owner = "platform", CostCenter = "bazaar-dev", ManagedBy = "terraform" }
    vpc_cidr           = "10.10.0.0/16"
    az_count           = 2
    nat_gateway_per_az = false
    graviton           = false
    node_groups = {
      system  = { instance_types = ["t3.medium"], min_size = 1, desired_size = 2, max_size = 2 }
      general = { instance_types = ["m7i.large"], min_size = 1, desired_size = 1, max_size = 3 }
      spot    = { instance_types = ["m7i.large", "m6i.large"], min_size = 0, desired_size = 1, max_size = 4 }
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
    redis              = { engine_version = "7.1", node_type = "cache.t4g.small", num_cache_clusters = 1 }
    log_retention_days = 30
    backup             = { retention_days = 7, cross_region_copy = false, vault_lock = false }
    canary             = { place_order = true }
  }

  assert {
    condition     = length(output.settings.subnets.public) == 2 && output.settings.subnets.private_data == ["10.10.144.0/22", "10.10.148.0/22"]
    error_message = "two zones should give two subnets per tier"
  }
  assert {
    condition     = output.settings.node_ami_types["general"] == "AL2023_x86_64_STANDARD"
    error_message = "x86 node groups need the x86_64 AMI type"
  }
  assert {
    condition     = output.settings.aurora.performance_insights_retention_days == 7 && output.settings.aurora.monitoring_interval_seconds == 60
    error_message = "dev may keep the free week of Performance Insights and sample every minute"
  }
  assert {
    condition     = output.settings.canary.place_order && !output.settings.backup.vault_lock
    error_message = "dev's canary may place orders and its backup vaults may stay unlocked"
  }
}

run "unknown_environment_is_rejected" {
  command = plan
  variables {
    environment = "qa"
  }
  expect_failures = [var.environment]
}

run "prod_without_multi_az_is_rejected" {
  command = plan
  variables {
    multi_az = false
  }
  expect_failures = [var.multi_az]
}

run "prod_without_deletion_protection_is_rejected" {
  command = plan
  variables {
    deletion_protection = false
  }
  expect_failures = [var.deletion_protection]
}

run "prod_with_short_point_in_time_recovery_is_rejected" {
  command = plan
  variables {
    aurora = merge(var.aurora, { backup_retention_days = 7 })
  }
  expect_failures = [var.aurora]
}

run "prod_on_serverless_with_one_reader_is_rejected" {
  command = plan
  variables {
    aurora = merge(var.aurora, { serverless = true, max_capacity_acu = 16, instance_class = "db.serverless", reader_count = 1 })
  }
  expect_failures = [var.aurora]
}

run "prod_in_two_zones_is_rejected" {
  command = plan
  variables {
    az_count = 2
  }
  expect_failures = [var.az_count]
}

run "prod_with_one_nat_gateway_is_rejected" {
  command = plan
  variables {
    nat_gateway_per_az = false
  }
  expect_failures = [var.nat_gateway_per_az]
}

run "prod_without_cross_region_backups_is_rejected" {
  command = plan
  variables {
    backup = { retention_days = 35, cross_region_copy = false, vault_lock = true }
  }
  expect_failures = [var.backup]
}

run "single_node_redis_cannot_be_multi_az" {
  command = plan
  variables {
    redis = { engine_version = "7.1", node_type = "cache.r7g.large", num_cache_clusters = 1 }
  }
  expect_failures = [var.redis]
}

run "redis_6_is_rejected" {
  command = plan
  variables {
    redis = { engine_version = "6.2", node_type = "cache.r7g.large", num_cache_clusters = 3 }
  }
  expect_failures = [var.redis]
}

run "missing_cost_tag_is_rejected" {
  command = plan
  variables {
    tags = { Project = "bazaar", Environment = "prod", Owner = "platform", ManagedBy = "terraform" }
  }
  expect_failures = [var.tags]
}

run "unapproved_instance_family_is_rejected" {
  command = plan
  variables {
    node_groups = {
      system  = { instance_types = ["m7g.large"], min_size = 3, desired_size = 3, max_size = 4 }
      general = { instance_types = ["p5.48xlarge"], min_size = 3, desired_size = 3, max_size = 9 }
      spot    = { instance_types = ["m7g.xlarge"], min_size = 0, desired_size = 2, max_size = 12 }
    }
  }
  expect_failures = [var.node_groups]
}

run "mixed_architectures_are_rejected" {
  command = plan
  variables {
    node_groups = {
      system  = { instance_types = ["m7g.large"], min_size = 3, desired_size = 3, max_size = 4 }
      general = { instance_types = ["m7i.xlarge"], min_size = 3, desired_size = 3, max_size = 9 }
      spot    = { instance_types = ["m7g.xlarge"], min_size = 0, desired_size = 2, max_size = 12 }
    }
  }
  expect_failures = [var.node_groups]
}

run "karpenter_family_outside_the_scp_is_rejected" {
  command = plan
  variables {
    karpenter = {
      instance_families = ["m7g", "p5"]
      limits            = { general = { cpu = 96, memory_gi = 384 }, spot = { cpu = 192, memory_gi = 768 } }
      consolidate_after = "10m"
      disruption_budget = "10%"
    }
  }
  expect_failures = [var.karpenter]
}

run "karpenter_graviton_families_need_graviton" {
  command = plan
  variables {
    graviton = false
    node_groups = {
      system  = { instance_types = ["m7i.large"], min_size = 3, desired_size = 3, max_size = 4 }
      general = { instance_types = ["m7i.xlarge"], min_size = 3, desired_size = 3, max_size = 9 }
      spot    = { instance_types = ["m7i.xlarge"], min_size = 0, desired_size = 2, max_size = 12 }
    }
  }
  expect_failures = [var.karpenter]
}

run "karpenter_without_a_spot_limit_is_rejected" {
  command = plan
  variables {
    karpenter = {
      instance_families = ["m7g"]
      limits            = { general = { cpu = 96, memory_gi = 384 } }
      consolidate_after = "10m"
      disruption_budget = "10%"
    }
  }
  expect_failures = [var.karpenter]
}

run "vpc_must_be_a_slash_16" {
  command = plan
  variables {
    vpc_cidr = "10.30.0.0/20"
  }
  expect_failures = [var.vpc_cidr]
}

run "unapproved_region_is_rejected" {
  command = plan
  variables {
    region = "us-west-2"
  }
  expect_failures = [var.region]
}

run "in_cluster_redis_is_dev_only" {
  command = plan
  variables {
    redis = { mode = "inCluster", engine_version = "7.1", node_type = "cache.r7g.large", num_cache_clusters = 3 }
  }
  expect_failures = [var.redis]
}

run "prod_with_a_week_of_performance_insights_is_rejected" {
  command = plan
  variables {
    aurora = merge(var.aurora, { performance_insights_retention_days = 7 })
  }
  expect_failures = [var.aurora]
}

run "performance_insights_retention_rds_does_not_accept_is_rejected" {
  command = plan
  variables {
    aurora = merge(var.aurora, { performance_insights_retention_days = 500 })
  }
  expect_failures = [var.aurora]
}

run "enhanced_monitoring_cannot_be_turned_off" {
  command = plan
  variables {
    aurora = merge(var.aurora, { monitoring_interval_seconds = 0 })
  }
  expect_failures = [var.aurora]
}

run "prod_with_unlocked_backup_vaults_is_rejected" {
  command = plan
  variables {
    backup = { retention_days = 35, cross_region_copy = true, vault_lock = false }
  }
  expect_failures = [var.backup]
}

run "prod_canary_placing_orders_is_rejected" {
  command = plan
  variables {
    canary = { place_order = true }
  }
  expect_failures = [var.canary]
}
