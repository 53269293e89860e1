# Shared by every environment root (infra/envs/<env>/outputs.tf is a relative symlink to this file).

output "helm_values" {
  description = "Values for the Bazaar chart in its own keys: terraform output -json helm_values, written to deploy/helm/bazaar/infra/<env>.yaml."
  value       = module.platform.helm_values
}

output "platform" {
  description = "Cluster, endpoints, secret names, controller roles and add-on releases, for operators."
  value       = module.platform.platform
}

output "name_servers" {
  description = "Delegate the environment's domain to these."
  value       = module.platform.name_servers
}

output "backup_vaults" {
  description = "Backup vaults, for the restore runbook."
  value       = module.platform.backup_vaults
}

output "transit_gateway_id" {
  description = "Transit Gateway, for later attachments."
  value       = module.platform.transit_gateway_id
}
