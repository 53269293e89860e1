# Everything the Helm values need, in one object (see docs/infrastructure.md, "How outputs reach the cluster").
# Names only, never secret values: the pods get values through External Secrets from the named secrets.
# Values for the Bazaar chart (deploy/helm/bazaar) in its own keys, plus what the platform controllers need.
# Names and ARNs only, never secret values: pods get those through External Secrets from the named secrets.
# See docs/infrastructure.md, "How outputs reach the cluster".
output "helm_values" {
  description = "Values for deploy/helm/bazaar (chart keys) and the platform controllers."
  value = {
    chart = {
      environment = local.s.environment
      publicUrl   = "https://${local.s.domain_name}"
      services = {
        for service in local.s.services : service => { iamRoleArn = module.workload_identity.service_role_arns[service] }
      }
      migrations = { iamRoleArn = module.workload_identity.service_role_arns["migrations"] }
      database   = { cidrs = local.s.subnets.private_data }
      redis      = { mode = "external", cidrs = local.s.subnets.private_data }
      media      = { s3Bucket = module.media_bucket.id, s3Region = local.region }
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
        loadBalancerAttributes = join(",", [
          "routing.http.drop_invalid_header_fields.enabled=true",
          "access_logs.s3.enabled=true",
          "access_logs.s3.bucket=${module.logs_bucket.id}",
          "access_logs.s3.prefix=alb",
        ])
      }
    }
    platform = {
      cluster = {
        name     = module.eks.cluster_name
        endpoint = module.eks.cluster_endpoint
        region   = local.region
      }
      database = {
        writer = module.aurora.writer_endpoint
        reader = module.aurora.reader_endpoint
      }
      mediaCdn    = "https://${module.edge.media_domain}"
      secretNames = merge(module.aurora.service_secret_names, { redis = module.redis.secret_name })
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
