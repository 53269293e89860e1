# Metrics, dashboards, logs and alarms: Amazon Managed Prometheus (the ADOT collector remote-writes to it), Managed
# Grafana reading it and CloudWatch, an application log group, alarms to one SNS topic, and Synthetics canaries
# that exercise the storefront, the product API and checkout from outside, every five minutes.

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  canaries = {
    storefront = { script = "storefront.js", path = "/" }
    products   = { script = "products.js", path = "/api/v1/products?limit=1" }
    checkout   = { script = "checkout.js", path = "/api/v1/orders" }
  }
}

# --- metrics and dashboards ------------------------------------------------------------------------------------

resource "aws_prometheus_workspace" "this" {
  alias       = var.name
  kms_key_arn = var.prometheus_kms_key_arn

  logging_configuration {
    log_group_arn = "${aws_cloudwatch_log_group.prometheus.arn}:*"
  }
}

# The alert rules of monitoring/rules (plain Prometheus rule files, unit-tested with promtool in
# monitoring/tests), one rule group namespace per file, evaluated by the workspace's ruler over what the Prometheus
# agent and the ADOT collector write. Firing alerts go to the workspace's Alertmanager, which notifies the alarm
# topic (the same SNS topic as the CloudWatch alarms).
locals {
  rules_dir   = "${path.module}/../../../monitoring/rules"
  rules_files = fileset(local.rules_dir, "*.yml")
}

resource "aws_prometheus_rule_group_namespace" "this" {
  for_each = local.rules_files

  name         = trimsuffix(each.value, ".yml")
  workspace_id = aws_prometheus_workspace.this.id
  data         = file("${local.rules_dir}/${each.value}")
}

resource "aws_prometheus_alert_manager_definition" "this" {
  workspace_id = aws_prometheus_workspace.this.id
  definition = yamlencode({
    alertmanager_config = yamlencode({
      route = {
        receiver        = "alerts-topic"
        group_by        = ["alertname", "service"]
        group_wait      = "30s"
        group_interval  = "5m"
        repeat_interval = "4h"
      }
      receivers = [{
        name = "alerts-topic"
        sns_configs = [{
          topic_arn  = aws_sns_topic.alerts.arn
          sigv4      = { region = data.aws_region.current.region }
          attributes = { environment = var.environment }
        }]
      }]
    })
  })
}

data "aws_iam_policy_document" "alerts_topic" {
  statement {
    sid       = "ManagedPrometheusAlerts"
    actions   = ["sns:Publish", "sns:GetTopicAttributes"]
    resources = [aws_sns_topic.alerts.arn]
    principals {
      type        = "Service"
      identifiers = ["aps.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_prometheus_workspace.this.arn]
    }
  }
  statement {
    sid       = "AccountAlarmsAndBudgets"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "alerts" {
  arn    = aws_sns_topic.alerts.arn
  policy = data.aws_iam_policy_document.alerts_topic.json
}

resource "aws_cloudwatch_log_group" "prometheus" {
  name              = "/bazaar/${var.name}/prometheus"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

data "aws_iam_policy_document" "grafana_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["grafana.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "grafana" {
  name               = "${var.name}-grafana"
  assume_role_policy = data.aws_iam_policy_document.grafana_assume.json
}

data "aws_iam_policy_document" "grafana" {
  statement {
    sid       = "QueryOwnPrometheus"
    actions   = ["aps:QueryMetrics", "aps:GetLabels", "aps:GetSeries", "aps:GetMetricMetadata", "aps:DescribeWorkspace"]
    resources = [aws_prometheus_workspace.this.arn]
  }
  statement {
    sid       = "ReadCloudWatch" # metric reads have no resource-level permissions
    actions   = ["cloudwatch:GetMetricData", "cloudwatch:ListMetrics", "cloudwatch:DescribeAlarms", "logs:StartQuery", "logs:GetQueryResults", "logs:DescribeLogGroups"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "grafana" {
  name   = "read-metrics"
  role   = aws_iam_role.grafana.id
  policy = data.aws_iam_policy_document.grafana.json
}

resource "aws_grafana_workspace" "this" {
  name                      = var.name
  account_access_type       = "CURRENT_ACCOUNT"
  authentication_providers  = ["AWS_SSO"]
  permission_type           = "CUSTOMER_MANAGED"
  role_arn                  = aws_iam_role.grafana.arn
  data_sources              = ["PROMETHEUS", "CLOUDWATCH"]
  notification_destinations = ["SNS"]
}

# Grafana's content, through the workspace's HTTP API (the grafana provider, configured in the environment roots
# from output grafana_connection): the AMP data source, the default one, which the dashboards' ${datasource}
# variable picks, signed with the workspace role; a Bazaar folder; every dashboard of monitoring/dashboards
# (generated by monitoring/generate.mjs). The API token belongs to a workspace service account and lives at most
# 30 days (AWS's limit): docs/infrastructure.md, "Grafana dashboards", says how it is renewed.
resource "aws_grafana_workspace_service_account" "terraform" {
  name         = "terraform"
  grafana_role = "ADMIN" # data sources need it
  workspace_id = aws_grafana_workspace.this.id
}

resource "aws_grafana_workspace_service_account_token" "terraform" {
  name               = "terraform"
  service_account_id = aws_grafana_workspace_service_account.terraform.service_account_id
  seconds_to_live    = 2592000 # 30 days, the most AWS allows
  workspace_id       = aws_grafana_workspace.this.id
}

resource "grafana_data_source" "amp" {
  type       = "prometheus"
  name       = "Amazon Managed Prometheus"
  uid        = "amp"
  is_default = true
  url        = aws_prometheus_workspace.this.prometheus_endpoint

  json_data_encoded = jsonencode({
    httpMethod    = "POST"
    sigV4Auth     = true
    sigV4AuthType = "ec2_iam_role" # the workspace's IAM role (aws_iam_role.grafana, QueryOwnPrometheus)
    sigV4Region   = data.aws_region.current.region
  })
}

resource "grafana_folder" "bazaar" {
  uid   = "bazaar"
  title = "Bazaar"
}

locals {
  dashboards_dir  = "${path.module}/../../../monitoring/dashboards"
  dashboard_files = fileset(local.dashboards_dir, "*.json")
}

resource "grafana_dashboard" "this" {
  for_each = local.dashboard_files

  folder      = grafana_folder.bazaar.uid
  config_json = file("${local.dashboards_dir}/${each.value}")
  overwrite   = true # the files are the source; edits made in the UI are replaced on the next apply

  depends_on = [grafana_data_source.amp]
}

# --- logs ------------------------------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "application" {
  name              = "/bazaar/${var.name}/application"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

# --- alarms ----------------------------------------------------------------------------------------------------

resource "aws_sns_topic" "alerts" {
  name              = "${var.name}-alerts"
  kms_master_key_id = var.alerts_kms_key_arn
}

resource "aws_sns_topic_subscription" "email" {
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = var.alert_email
}

locals {
  # What each Redis's alarms mean (ADR 0015): the cache evicts when full, the state Redis refuses writes instead.
  redis_alarm_text = {
    cache = {
      cpu    = "Redis cache engine thread above 75%: catalog pages and rate limits slow down"
      memory = "Redis cache above 85% of its memory: LRU eviction begins, more catalog reads go to Aurora (runbook RedisMemoryHigh)"
    }
    state = {
      cpu    = "Redis state engine thread above 75%: carts, risk rules and velocity checks slow down"
      memory = "Redis state above 85% of its memory: when full it refuses writes (noeviction) and cart changes fail; scale its node type up (runbook RedisMemoryHigh)"
    }
  }

  alarms = merge({
    aurora-cpu-high = {
      namespace   = "AWS/RDS", metric = "CPUUtilization", statistic = "Average", threshold = 80, comparison = "GreaterThanThreshold"
      dimensions  = { DBClusterIdentifier = var.aurora_cluster_identifier }
      description = "Aurora CPU above 80% for 15 minutes: scale up or find the query (Performance Insights)"
    }
    aurora-freeable-memory-low = {
      namespace   = "AWS/RDS", metric = "FreeableMemory", statistic = "Minimum", threshold = 268435456, comparison = "LessThanThreshold"
      dimensions  = { DBClusterIdentifier = var.aurora_cluster_identifier }
      description = "Aurora instance below 256 MiB of freeable memory"
    }
    aurora-replica-lag-high = {
      namespace   = "AWS/RDS", metric = "AuroraReplicaLagMaximum", statistic = "Maximum", threshold = 1000, comparison = "GreaterThanThreshold"
      dimensions  = { DBClusterIdentifier = var.aurora_cluster_identifier }
      description = "Aurora reader more than a second behind the writer"
    }
    }, {
    for role, id in var.redis_replication_group_ids : "redis-${role}-engine-cpu-high" => {
      namespace   = "AWS/ElastiCache", metric = "EngineCPUUtilization", statistic = "Average", threshold = 75, comparison = "GreaterThanThreshold"
      dimensions  = { ReplicationGroupId = id }
      description = local.redis_alarm_text[role].cpu
    }
    }, {
    for role, id in var.redis_replication_group_ids : "redis-${role}-memory-high" => {
      namespace   = "AWS/ElastiCache", metric = "DatabaseMemoryUsagePercentage", statistic = "Maximum", threshold = 85, comparison = "GreaterThanThreshold"
      dimensions  = { ReplicationGroupId = id }
      description = local.redis_alarm_text[role].memory
    }
    }, var.alb_arn_suffix != null ? {
    # What the ALB answers itself, never seen by the edge or Prometheus: 502/503/504 when no edge pod is healthy or the
    # edge does not answer in time. A service's own 5xx raise ServiceHighErrorRate (and the SLO alerts of checkout and
    # catalog). The edge's own 502/504 (a service that dropped the connection, or could not be reached in 5 s or gave no
    # answer within 50 s) are in no Prometheus alert, as the edge exports no metrics; the ALB counts them with the
    # services' 5xx in HTTPCode_Target_5XX_Count, and the edge's access log has each one. A crash raises ServiceDown or
    # DeploymentUnavailable; slowness raises the
    # latency SLOs of checkout and catalog, and elsewhere only DatabasePoolSaturation or ThreadPoolStarvation when one
    # of those is its cause. No data is no errors.
    alb-5xx = {
      namespace   = "AWS/ApplicationELB", metric = "HTTPCode_ELB_5XX_Count", statistic = "Sum", threshold = 25, comparison = "GreaterThanThreshold"
      dimensions  = { LoadBalancer = var.alb_arn_suffix }
      missing     = "notBreaching"
      description = "The load balancer answered more than 25 5xx itself in each of 15 minutes' 5-minute periods: no healthy edge pod, or the edge timed out (runbook ServiceDown, DeploymentUnavailable)"
    }
  } : {})
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  statistic           = each.value.statistic
  dimensions          = each.value.dimensions
  period              = 300
  evaluation_periods  = 3
  threshold           = each.value.threshold
  comparison_operator = each.value.comparison
  treat_missing_data  = lookup(each.value, "missing", "missing")
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

# --- synthetics ------------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "canary_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "canary" {
  name               = "${var.name}-canary"
  assume_role_policy = data.aws_iam_policy_document.canary_assume.json
}

data "aws_iam_policy_document" "canary" {
  statement {
    sid       = "WriteArtifacts"
    actions   = ["s3:PutObject", "s3:GetBucketLocation"]
    resources = [var.artifacts_bucket_arn, "${var.artifacts_bucket_arn}/canaries/*"]
  }
  statement {
    sid       = "ArtifactsKey"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [var.artifacts_kms_key_arn]
  }
  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:log-group:/aws/lambda/cwsyn-*"]
  }
  statement {
    sid       = "CanaryMetrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"] # scoped by the namespace condition; PutMetricData has no resource ARN
    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = ["CloudWatchSynthetics"]
    }
  }
  statement {
    sid       = "SyntheticCustomer"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.canary_user_secret_arn]
  }
}

resource "aws_iam_role_policy" "canary" {
  name   = "canary"
  role   = aws_iam_role.canary.id
  policy = data.aws_iam_policy_document.canary.json
}

data "archive_file" "canary" {
  for_each = local.canaries

  type        = "zip"
  output_path = "${path.root}/.terraform/canaries/${var.name}-${each.key}.zip"

  # Synthetics expects Node.js canaries under nodejs/node_modules/.
  source {
    filename = "nodejs/node_modules/${each.value.script}"
    content  = file("${path.module}/canaries/${each.value.script}")
  }
}

resource "aws_synthetics_canary" "this" {
  for_each = local.canaries

  name                 = substr("${var.environment}-${each.key}", 0, 21) # canary names are limited to 21 characters
  artifact_s3_location = "s3://${var.artifacts_bucket_id}/canaries/${each.key}/"
  execution_role_arn   = aws_iam_role.canary.arn
  runtime_version      = "syn-nodejs-puppeteer-10.0"
  handler              = "${trimsuffix(each.value.script, ".js")}.handler"
  zip_file             = data.archive_file.canary[each.key].output_path
  start_canary         = true

  success_retention_period = 7
  failure_retention_period = 31

  schedule {
    expression = "rate(5 minutes)"
  }

  run_config {
    timeout_in_seconds = 60
    environment_variables = {
      BASE_URL           = "https://${var.domain_name}"
      PATH_UNDER_TEST    = each.value.path
      PLACE_ORDER        = tostring(var.canary_places_orders)
      CUSTOMER_SECRET_ID = var.canary_user_secret_arn
    }
  }

  artifact_config {
    s3_encryption {
      encryption_mode = "SSE_KMS"
      kms_key_arn     = var.artifacts_kms_key_arn
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "canary" {
  for_each = local.canaries

  alarm_name          = "${var.name}-canary-${each.key}"
  alarm_description   = "Synthetic ${each.key} check failing from outside: customers see what the canary sees"
  namespace           = "CloudWatchSynthetics"
  metric_name         = "SuccessPercent"
  dimensions          = { CanaryName = aws_synthetics_canary.this[each.key].name }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 2
  threshold           = 90
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}
