# Everything the Helm values need, in one object (see docs/infrastructure.md, "How outputs reach the cluster").
# Names only, never secret values: the pods get values through External Secrets from the named secrets.
output "helm_values" {
  description = "Values for the Bazaar chart and the platform controllers."
  value = {
    environment = local.s.environment
    region      = local.region
    domain      = local.s.domain_name
    cluster = {
      name     = module.eks.cluster_name
      endpoint = module.eks.cluster_endpoint
    }
    ingress = {
      group          = "bazaar"
      certificateArn = module.edge.alb_certificate_arn
      wafAclArn      = module.edge.waf_web_acl_arn
      accessLogs     = "${module.logs_bucket.id}/alb"
    }
    media = {
      bucket = module.media_bucket.id
      cdn    = "https://${module.edge.media_domain}"
    }
    database = {
      writer = module.aurora.writer_endpoint
      reader = module.aurora.reader_endpoint
    }
    redis = {
      endpoint   = module.redis.primary_endpoint
      secretName = module.redis.secret_name
    }
    services = {
      for service in local.s.services : service => {
        roleArn    = module.workload_identity.service_role_arns[service]
        secretName = module.aurora.service_secret_names[service]
      }
    }
    migrations = {
      roleArn = module.workload_identity.service_role_arns["migrations"]
    }
    controllers = merge(module.workload_identity.controller_role_arns, {
      karpenter = module.eks.karpenter.controller_role_arn
      velero    = module.backup.velero_role_arn
    })
    karpenter = module.eks.karpenter
    velero = {
      bucket = module.backup.velero_bucket
      region = local.region
    }
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

output "vpc_id" {
  description = "VPC id."
  value       = module.network.vpc_id
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
