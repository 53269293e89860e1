output "cluster_arn" {
  description = "Cluster ARN (backup selection)."
  value       = aws_rds_cluster.this.arn
}

output "cluster_identifier" {
  description = "Cluster identifier (alarms)."
  value       = aws_rds_cluster.this.cluster_identifier
}

output "writer_endpoint" {
  description = "Writer endpoint."
  value       = aws_rds_cluster.this.endpoint
}

output "reader_endpoint" {
  description = "Load-balanced reader endpoint."
  value       = aws_rds_cluster.this.reader_endpoint
}

output "master_secret_arn" {
  description = "RDS-managed master user secret."
  value       = aws_rds_cluster.this.master_user_secret[0].secret_arn
}

output "service_secret_arns" {
  description = "Secret ARN by service."
  value       = { for name, secret in aws_secretsmanager_secret.service : name => secret.arn }
}

output "service_secret_names" {
  description = "Secret name by service, for the ExternalSecret objects."
  value       = { for name, secret in aws_secretsmanager_secret.service : name => secret.name }
}
