variable "settings" {
  description = "The validated settings object of modules/settings (its output `settings`); typed and checked there."
  type        = any
}

variable "admin_role_arn" {
  description = "SSO administrator role of the account, granted cluster admin."
  type        = string
}

variable "deploy_role_arn" {
  description = "Role CI's deploy job assumes (created in every workload account by the organization's StackSet)."
  type        = string
}

variable "transit_gateway_asn" {
  description = "Private ASN of the environment's Transit Gateway."
  type        = number
}

variable "ingress_alb_ready" {
  description = "Set true after the first Helm deploy created the ALB; adds the primary failover record and health check."
  type        = bool
}
