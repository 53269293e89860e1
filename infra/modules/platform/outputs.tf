# Values for the Bazaar chart (deploy/helm/bazaar), in exactly the chart's own keys (values.schema.json rejects any
# other): written to deploy/helm/bazaar/infra/<env>.yaml from `terraform output -json helm_values`. Names and ARNs
# only, never secret values: pods get those through External Secrets from the named secrets. The platform
# controllers' values are wired inside Terraform (modules/cluster-addons); `platform` below is for people.
# See docs/infrastructure.md, "How outputs reach the cluster". The policy test `helm-values-match-chart` holds the
# keys to the chart's schema.
output "helm_values" {
  description = "Values for deploy/helm/bazaar, in the chart's keys (deploy/helm/bazaar/infra/<env>.yaml)."
  value = {
    environment = local.s.environment
    publicUrl   = "https://${local.s.domain_name}"
    services = {
      for service in local.s.services : service => { iamRoleArn = module.workload_identity.service_role_arns[service] }
    }
    # The migration Jobs run as bazaar-<env>-migrations: they read the Aurora master secret (RDS-managed, named
    # rds!cluster-...) to create each service's login role and database, and each service's secret for its password.
    migrations = {
      iamRoleArn   = module.workload_identity.service_role_arns["migrations"]
      masterSecret = module.aurora.master_secret_arn
    }
    database = { cidrs = local.s.subnets.private_data }
    redis = local.redis_external ? {
      mode  = "external"
      cidrs = local.s.subnets.private_data
      } : {
      mode  = "inCluster"
      cidrs = []
    }
    media = { s3Bucket = module.media_bucket.id, s3Region = local.region }
    externalSecrets = {
      region     = local.region
      keyPrefix  = "bazaar/${local.s.environment}"
      iamRoleArn = module.workload_identity.controller_role_arns["external_secrets"]
    }
    ingress = {
      host           = local.s.domain_name
      certificateArn = module.edge.alb_certificate_arn
      wafAclArn      = module.edge.waf_web_acl_arn
      sourceCidrs    = local.s.subnets.public
      # The chart's Ingress annotation alb.ingress.kubernetes.io/load-balancer-attributes: the ALB is the
      # controller's, so its attributes live here; deletion protection follows the settings (true in prod).
      loadBalancerAttributes = join(",", [
        "routing.http.drop_invalid_header_fields.enabled=true",
        "deletion_protection.enabled=${local.s.deletion_protection}",
        "access_logs.s3.enabled=true",
        "access_logs.s3.bucket=${module.logs_bucket.id}",
        "access_logs.s3.prefix=alb",
      ])
    }
  }
}

output "platform" {
  description = "What runs around the chart: cluster, database endpoints, secret names, controller roles, observability."
  value = {
    cluster = {
      name     = module.eks.cluster_name
      endpoint = module.eks.cluster_endpoint
      region   = local.region
    }
    database = {
      writer       = module.aurora.writer_endpoint
      reader       = module.aurora.reader_endpoint
      masterSecret = module.aurora.master_secret_arn
    }
    mediaCdn     = "https://${module.edge.media_domain}"
    healthDomain = module.edge.health_domain
    secretNames  = merge(module.aurora.service_secret_names, { for role, redis in module.redis : "redis-${role}" => redis.secret_name })
    controllers = merge(module.workload_identity.controller_role_arns, {
      karpenter = module.eks.karpenter.controller_role_arn
      velero    = module.backup.velero_role_arn
    })
    addons = module.cluster_addons.releases
    observability = {
      prometheusRemoteWriteUrl = module.observability.prometheus_remote_write_url
      grafanaUrl               = module.observability.grafana_endpoint
      logGroup                 = module.observability.application_log_group
    }
  }
}

output "name_servers" {
  description = "NS records to delegate the environment's domain to its hosted zone."
  value       = module.edge.name_servers
}

output "transit_gateway_id" {
  description = "Transit Gateway id, for later attachments."
  value       = module.network.transit_gateway_id
}

output "backup_vaults" {
  description = "Primary and DR vault ARNs (restore runbook)."
  value = {
    primary = module.backup.vault_arn
    dr      = module.backup.dr_vault_arn
  }
}

output "cluster_connection" {
  description = "API endpoint, CA and name of the cluster, for the Helm provider of the environment root."
  value = {
    name                  = module.eks.cluster_name
    endpoint              = module.eks.cluster_endpoint
    certificate_authority = module.eks.cluster_certificate_authority
  }
}

output "grafana_connection" {
  description = "Managed Grafana URL and Terraform's service account token (the environment roots' grafana provider)."
  sensitive   = true
  value       = module.observability.grafana_connection
}
