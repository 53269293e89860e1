output "helm_values" {
  description = "Values for the Bazaar chart: terraform output -json helm_values > deploy/values/<env>.generated.json"
  value       = module.platform.helm_values
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
