variable "name" {
  description = "Cluster name, e.g. bazaar-prod."
  type        = string
}

variable "kubernetes_version" {
  description = "Control plane version."
  type        = string
}

variable "vpc_cidr" {
  description = "VPC CIDR, allowed to reach the private API endpoint (runners and bastions live in the VPC or come over the Transit Gateway)."
  type        = string
}

variable "subnet_ids" {
  description = "Private-app subnets for the control plane ENIs and the nodes."
  type        = list(string)
}

variable "node_groups" {
  description = "Managed node groups system, general, spot (see modules/settings)."
  type = map(object({
    instance_types = list(string)
    min_size       = number
    desired_size   = number
    max_size       = number
  }))
}

variable "node_ami_types" {
  description = "AMI type per node group."
  type        = map(string)
}

variable "secrets_kms_key_arn" {
  description = "KMS key for envelope encryption of Kubernetes Secrets."
  type        = string
}

variable "ebs_kms_key_arn" {
  description = "KMS key for node root volumes and EBS CSI volumes."
  type        = string
}

variable "logs_kms_key_arn" {
  description = "KMS key of the control plane log group."
  type        = string
}

variable "log_retention_days" {
  description = "Control plane log retention."
  type        = number
}

variable "admin_role_arn" {
  description = "IAM role (SSO permission set role) granted cluster admin through an access entry."
  type        = string
}

variable "deploy_role_arn" {
  description = "Role CI's deploy job assumes; it may change the bazaar namespace only."
  type        = string
}

variable "app_namespace" {
  description = "Namespace of the Bazaar services."
  type        = string
  default     = "bazaar"
}

variable "terraform_role_arns" {
  description = "Roles Terraform works as in the account: apply (cluster admin, installs the add-ons) and plan (read-only view)."
  type        = map(string)
  validation {
    condition     = sort(keys(var.terraform_role_arns)) == ["apply", "plan"]
    error_message = "terraform_role_arns needs exactly the keys apply and plan."
  }
}
