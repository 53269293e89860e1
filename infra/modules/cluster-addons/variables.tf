variable "name" {
  description = "Environment name prefix, e.g. bazaar-prod (also the cluster name and ExternalDNS owner id)."
  type        = string
}

variable "region" {
  description = "Region of the cluster and its AWS APIs."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the cluster (the load balancer controller's vpcId)."
  type        = string
}

variable "domain_name" {
  description = "The environment's hosted zone; the only domain ExternalDNS may write."
  type        = string
}

variable "roles" {
  description = "IAM roles of the controllers (Pod Identity associations name their ServiceAccounts; see workload-identity, eks, backup)."
  type = object({
    aws_load_balancer_controller = string
    external_dns                 = string
    remote_write                 = string # ADOT collector and the Prometheus agent
    velero                       = string
  })
}

variable "karpenter" {
  description = "Karpenter controller role, node role and interruption queue (modules/eks output karpenter)."
  type = object({
    controller_role_arn = string
    node_role_name      = string
    interruption_queue  = string
  })
}

variable "velero_bucket" {
  description = "Bucket Velero writes backups to."
  type        = string
}

variable "prometheus_remote_write_url" {
  description = "Amazon Managed Prometheus remote write URL."
  type        = string
}

variable "application_log_group" {
  description = "CloudWatch log group the ADOT collector ships logs to."
  type        = string
}

variable "environment" {
  description = "dev, staging or prod (resource attributes and labels)."
  type        = string
}
