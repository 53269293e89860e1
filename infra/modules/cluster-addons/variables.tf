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

variable "karpenter" {
  description = "Karpenter controller role, node role, interruption queue, node security group and volume key (modules/eks output karpenter)."
  type = object({
    controller_role_arn    = string
    node_role_name         = string
    interruption_queue     = string
    node_security_group_id = string
    ebs_kms_key_arn        = string
  })
}

variable "karpenter_capacity" {
  description = "The environment's settings for Karpenter's NodePools (modules/settings karpenter) and whether arm64 is allowed (settings graviton)."
  type = object({
    instance_families = list(string)
    limits = map(object({
      cpu       = number
      memory_gi = number
    }))
    consolidate_after = string
    disruption_budget = string
    graviton          = bool
  })
}

variable "tags" {
  description = "Cost tags for what Karpenter launches (the organization SCP denies ec2:RunInstances without them)."
  type        = map(string)
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
