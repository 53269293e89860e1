# The public edge: the environment's hosted zone, certificates, a WAF web ACL for the storefront ALB, CloudFront
# with origin access control for product images, and failover DNS: the ALB while its health check passes, a static
# maintenance page from CloudFront when it does not (see docs/runbooks/disaster-recovery.md).
#
# The ALB itself is created by the AWS Load Balancer Controller from the chart's Ingress, which references the web
# ACL and certificate by the ARNs this module outputs (alb.ingress.kubernetes.io/wafv2-acl-arn, certificate-arn).

locals {
  media_domain  = "media.${var.domain_name}"
  health_domain = "health.${var.domain_name}"
  # AWS managed rule groups, in evaluation order after the geo and rate rules.
  managed_rule_groups = {
    AWSManagedRulesAmazonIpReputationList = 10
    AWSManagedRulesCommonRuleSet          = 20
    AWSManagedRulesKnownBadInputsRuleSet  = 30
    AWSManagedRulesSQLiRuleSet            = 40
  }
  caching_optimized_policy_id = "658327ea-f89d-4fab-a63d-7e88639e58f6" # AWS managed cache policy "CachingOptimized"
}

resource "aws_route53_zone" "this" {
  name    = var.domain_name
  comment = "${var.name}: delegated from the parent zone by NS records"
}

# --- certificates ----------------------------------------------------------------------------------------------

resource "aws_acm_certificate" "alb" {
  domain_name               = var.domain_name
  subject_alternative_names = ["*.${var.domain_name}"]
  validation_method         = "DNS"
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_acm_certificate" "cloudfront" {
  provider = aws.us_east_1

  domain_name               = var.domain_name
  subject_alternative_names = [local.media_domain]
  validation_method         = "DNS"
  lifecycle {
    create_before_destroy = true
  }
}

# One record per name: ACM asks for the same CNAME for a name (and its wildcard) in every region, so the apex
# record validates both certificates. Keyed by domain name because that is known at plan time.
resource "aws_route53_record" "validation" {
  for_each = {
    for option in concat(tolist(aws_acm_certificate.alb.domain_validation_options), tolist(aws_acm_certificate.cloudfront.domain_validation_options)) :
    option.domain_name => option...
  }

  zone_id         = aws_route53_zone.this.zone_id
  name            = each.value[0].resource_record_name
  type            = each.value[0].resource_record_type
  records         = [each.value[0].resource_record_value]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "alb" {
  certificate_arn         = aws_acm_certificate.alb.arn
  validation_record_fqdns = [for r in aws_route53_record.validation : r.fqdn]
}

resource "aws_acm_certificate_validation" "cloudfront" {
  provider                = aws.us_east_1
  certificate_arn         = aws_acm_certificate.cloudfront.arn
  validation_record_fqdns = [for r in aws_route53_record.validation : r.fqdn]
}

# --- WAF for the storefront ALB --------------------------------------------------------------------------------

resource "aws_wafv2_web_acl" "alb" {
  name        = "${var.name}-storefront"
  description = "Storefront and API behind the ALB"
  scope       = "REGIONAL"

  default_action {
    allow {}
  }

  dynamic "rule" {
    for_each = length(var.waf_blocked_countries) > 0 ? [1] : []
    content {
      name     = "geo-block"
      priority = 1
      action {
        block {}
      }
      statement {
        geo_match_statement {
          country_codes = var.waf_blocked_countries
        }
      }
      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "geo-block"
        sampled_requests_enabled   = true
      }
    }
  }

  rule {
    name     = "rate-limit-per-ip"
    priority = 2
    action {
      block {}
    }
    statement {
      rate_based_statement {
        limit              = var.waf_rate_limit_per_5min
        aggregate_key_type = "IP"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "rate-limit-per-ip"
      sampled_requests_enabled   = true
    }
  }

  dynamic "rule" {
    for_each = local.managed_rule_groups
    content {
      name     = rule.key
      priority = rule.value
      override_action {
        none {}
      }
      statement {
        managed_rule_group_statement {
          vendor_name = "AWS"
          name        = rule.key
        }
      }
      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = rule.key
        sampled_requests_enabled   = true
      }
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${var.name}-storefront"
    sampled_requests_enabled   = true
  }
}

# WAF requires the aws-waf-logs- prefix on its log group.
resource "aws_cloudwatch_log_group" "waf" {
  name              = "aws-waf-logs-${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

resource "aws_wafv2_web_acl_logging_configuration" "alb" {
  resource_arn            = aws_wafv2_web_acl.alb.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf.arn]

  redacted_fields {
    single_header {
      name = "authorization"
    }
  }
  redacted_fields {
    single_header {
      name = "cookie"
    }
  }
}

# --- CloudFront: media and the maintenance page ----------------------------------------------------------------

resource "aws_cloudfront_origin_access_control" "media" {
  name                              = "${var.name}-media"
  description                       = "CloudFront reads the media bucket with SigV4; the bucket stays private"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_distribution" "media" {
  enabled         = true
  comment         = "${var.name} product images"
  aliases         = [local.media_domain]
  price_class     = "PriceClass_100"
  http_version    = "http2and3"
  is_ipv6_enabled = true

  origin {
    origin_id                = "media"
    domain_name              = var.media_bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.media.id
  }

  default_cache_behavior {
    target_origin_id       = "media"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = local.caching_optimized_policy_id
    compress               = true
  }

  restrictions {
    geo_restriction {
      restriction_type = length(var.waf_blocked_countries) > 0 ? "blacklist" : "none"
      locations        = var.waf_blocked_countries
    }
  }

  viewer_certificate {
    acm_certificate_arn      = aws_acm_certificate_validation.cloudfront.certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}

# Served when the storefront's health check fails: a static page from the media bucket's maintenance/ folder.
resource "aws_cloudfront_distribution" "maintenance" {
  enabled             = true
  comment             = "${var.name} maintenance page (DNS failover target)"
  aliases             = [var.domain_name]
  price_class         = "PriceClass_100"
  default_root_object = "index.html"

  origin {
    origin_id                = "maintenance"
    domain_name              = var.media_bucket_regional_domain_name
    origin_path              = "/maintenance"
    origin_access_control_id = aws_cloudfront_origin_access_control.media.id
  }

  default_cache_behavior {
    target_origin_id       = "maintenance"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = local.caching_optimized_policy_id
  }

  # Every path (including /api/...) answers 503 with the maintenance page, so clients do not cache success.
  custom_error_response {
    error_code            = 403
    response_code         = 503
    response_page_path    = "/index.html"
    error_caching_min_ttl = 10
  }

  custom_error_response {
    error_code            = 404
    response_code         = 503
    response_page_path    = "/index.html"
    error_caching_min_ttl = 10
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = aws_acm_certificate_validation.cloudfront.certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}

# Bucket policy statements the media bucket merges in: only these two distributions may read it.
data "aws_iam_policy_document" "media_bucket" {
  statement {
    sid       = "CloudFrontReadsThroughOac"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::${var.media_bucket_id}/*"]
    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.media.arn, aws_cloudfront_distribution.maintenance.arn]
    }
  }
}

# --- DNS -------------------------------------------------------------------------------------------------------

resource "aws_route53_record" "media" {
  for_each = toset(["A", "AAAA"])

  zone_id = aws_route53_zone.this.zone_id
  name    = local.media_domain
  type    = each.value
  alias {
    name                   = aws_cloudfront_distribution.media.domain_name
    zone_id                = aws_cloudfront_distribution.media.hosted_zone_id
    evaluate_target_health = false
  }
}

# The AWS Load Balancer Controller tags the ALB of an IngressGroup (alb.ingress.kubernetes.io/group.name) with the
# cluster, the group name as the stack, and the resource kind; the chart's Ingress sets group.name = var.ingress_group.
data "aws_lb" "ingress" {
  count = var.ingress_alb_ready ? 1 : 0
  tags = {
    "elbv2.k8s.aws/cluster"    = var.cluster_name
    "ingress.k8s.aws/stack"    = var.ingress_group
    "ingress.k8s.aws/resource" = "LoadBalancer"
  }
}

# DNS ownership: Terraform owns every record of this zone that the storefront depends on (the apex failover pair,
# health.<domain>, media.<domain>, certificate validation). ExternalDNS only writes names whose Ingress or Service
# opts in with the annotation bazaar.io/external-dns: "true" (modules/cluster-addons), which the Bazaar Ingress
# does not carry, so the two never fight over the apex.
#
# The health check's own name: a plain alias of the ALB that never fails over, so the check keeps probing the ALB
# while the apex points at the maintenance page. The Ingress routes host health.<domain>, path /healthz (Exact),
# to the edge; Route 53 sends that name as SNI and Host header, so the ALB's host rule matches instead of
# answering its default 404. The certificate's *.<domain> covers it.
resource "aws_route53_record" "health" {
  count = var.ingress_alb_ready ? 1 : 0

  zone_id = aws_route53_zone.this.zone_id
  name    = local.health_domain
  type    = "A"
  alias {
    name                   = data.aws_lb.ingress[0].dns_name
    zone_id                = data.aws_lb.ingress[0].zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_health_check" "storefront" {
  count = var.ingress_alb_ready ? 1 : 0

  fqdn              = local.health_domain
  type              = "HTTPS"
  port              = 443
  resource_path     = "/healthz"
  request_interval  = 30
  failure_threshold = 3
  measure_latency   = true
  regions           = ["eu-west-1", "us-east-1", "ap-southeast-1"]
  tags              = { Name = "${var.name}-storefront" }

  depends_on = [aws_route53_record.health]
}

resource "aws_route53_record" "storefront_primary" {
  count = var.ingress_alb_ready ? 1 : 0

  zone_id         = aws_route53_zone.this.zone_id
  name            = var.domain_name
  type            = "A"
  set_identifier  = "primary"
  health_check_id = aws_route53_health_check.storefront[0].id
  failover_routing_policy {
    type = "PRIMARY"
  }
  alias {
    name                   = data.aws_lb.ingress[0].dns_name
    zone_id                = data.aws_lb.ingress[0].zone_id
    evaluate_target_health = true
  }
}

resource "aws_route53_record" "storefront_secondary" {
  zone_id        = aws_route53_zone.this.zone_id
  name           = var.domain_name
  type           = "A"
  set_identifier = "maintenance"
  failover_routing_policy {
    type = "SECONDARY"
  }
  alias {
    name                   = aws_cloudfront_distribution.maintenance.domain_name
    zone_id                = aws_cloudfront_distribution.maintenance.hosted_zone_id
    evaluate_target_health = false
  }
}
