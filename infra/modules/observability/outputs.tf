output "prometheus_workspace_arn" {
  description = "AMP workspace ARN."
  value       = aws_prometheus_workspace.this.arn
}

output "prometheus_remote_write_url" {
  description = "Remote write URL for the ADOT collector."
  value       = "${aws_prometheus_workspace.this.prometheus_endpoint}api/v1/remote_write"
}

output "grafana_endpoint" {
  description = "Managed Grafana URL."
  value       = aws_grafana_workspace.this.endpoint
}

output "alerts_topic_arn" {
  description = "SNS topic every alarm notifies."
  value       = aws_sns_topic.alerts.arn
}

output "application_log_group" {
  description = "Log group the services' logs are shipped to."
  value       = aws_cloudwatch_log_group.application.name
}

output "application_log_group_arn" {
  description = "ARN of the services' log group (the ADOT collector writes to it)."
  value       = aws_cloudwatch_log_group.application.arn
}

output "grafana_connection" {
  description = "URL and service account token for the grafana provider of the environment roots."
  sensitive   = true
  value = {
    url   = "https://${aws_grafana_workspace.this.endpoint}"
    token = aws_grafana_workspace_service_account_token.terraform.key
  }
}
