variable "name" {
  description = "Name prefix, e.g. bazaar-prod."
  type        = string
}

variable "cluster_name" {
  description = "EKS cluster that discovers the subnets through their tags."
  type        = string
}

variable "vpc_cidr" {
  description = "The VPC's /16."
  type        = string
}

variable "az_count" {
  description = "Zones used."
  type        = number
}

variable "subnets" {
  description = "Subnet CIDRs per tier, one per zone (modules/settings computes them)."
  type = object({
    public       = list(string)
    private_app  = list(string)
    private_data = list(string)
  })
}

variable "nat_gateway_per_az" {
  description = "A NAT gateway per zone instead of one shared."
  type        = bool
}

variable "logs_kms_key_arn" {
  description = "KMS key of the flow log group."
  type        = string
}

variable "log_retention_days" {
  description = "Flow log retention."
  type        = number
}

variable "transit_gateway_asn" {
  description = "Private ASN of the Transit Gateway; unique per environment so they can peer."
  type        = number
}
