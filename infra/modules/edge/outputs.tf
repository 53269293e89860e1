output "zone_arn" {
  description = "Hosted zone ARN (ExternalDNS is limited to it)."
  value       = aws_route53_zone.this.arn
}

output "name_servers" {
  description = "NS records to put in the parent zone."
  value       = aws_route53_zone.this.name_servers
}

output "alb_certificate_arn" {
  description = "Certificate for the Ingress (alb.ingress.kubernetes.io/certificate-arn)."
  value       = aws_acm_certificate_validation.alb.certificate_arn
}

output "waf_web_acl_arn" {
  description = "Web ACL for the Ingress (alb.ingress.kubernetes.io/wafv2-acl-arn)."
  value       = aws_wafv2_web_acl.alb.arn
}

output "media_domain" {
  description = "Public name of the media CDN."
  value       = local.media_domain
}

output "media_bucket_policy_json" {
  description = "Statements the media bucket's policy must include."
  value       = data.aws_iam_policy_document.media_bucket.json
}

output "health_domain" {
  description = "Host the Route 53 health check calls (the Ingress routes it, path /healthz, to the edge)."
  value       = local.health_domain
}

output "alb_arn_suffix" {
  description = "The ingress ALB's CloudWatch dimension (LoadBalancer = app/<name>/<id>); null until the ALB exists."
  value       = one(data.aws_lb.ingress[*].arn_suffix)
}
