# Aurora PostgreSQL for all six services: one cluster, one database and one login role per service, created by
# each service's migration job (ADR 0004), so no service can read another's tables. Serverless v2 where load is
# spiky and small (dev); provisioned writer and readers across zones where it is not.

terraform {
  required_version = "~> 1.11.0"
  required_providers {
    aws    = { source = "hashicorp/aws", version = "~> 6.0" }
    random = { source = "hashicorp/random", version = "~> 3.6" }
  }
}

locals {
  family         = "aurora-postgresql${split(".", var.engine_version)[0]}"
  instance_count = 1 + var.reader_count
  instance_class = var.serverless ? "db.serverless" : var.instance_class
}

resource "aws_db_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids
}

resource "aws_security_group" "this" {
  name        = "${var.name}-aurora"
  description = "PostgreSQL from the app tier only"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "postgres" {
  for_each = toset(var.client_cidrs)

  security_group_id = aws_security_group.this.id
  description       = "PostgreSQL from the app subnets"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = each.value
}

resource "aws_rds_cluster_parameter_group" "this" {
  name   = "${var.name}-${local.family}"
  family = local.family

  parameter {
    name  = "rds.force_ssl" # plain-text connections are refused
    value = "1"
  }

  parameter {
    name  = "ssl_min_protocol_version"
    value = "TLSv1.2"
  }

  parameter {
    name  = "log_min_duration_statement" # slow queries, in ms, to CloudWatch Logs
    value = "500"
  }

  parameter {
    name  = "log_connections"
    value = "1"
  }
}

resource "aws_rds_cluster" "this" {
  cluster_identifier = var.name
  engine             = "aurora-postgresql"
  engine_mode        = "provisioned"
  engine_version     = var.engine_version
  port               = 5432

  master_username               = "bazaar_admin"
  manage_master_user_password   = true # RDS keeps it in Secrets Manager and rotates it (every 7 days by default)
  master_user_secret_kms_key_id = var.secrets_kms_key_arn

  storage_encrypted = true
  kms_key_id        = var.kms_key_arn

  db_subnet_group_name            = aws_db_subnet_group.this.name
  vpc_security_group_ids          = [aws_security_group.this.id]
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.this.name

  backup_retention_period      = var.backup_retention_days # point-in-time recovery window
  preferred_backup_window      = "02:00-03:00"
  preferred_maintenance_window = "sun:03:30-sun:04:30"
  copy_tags_to_snapshot        = true

  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = false
  final_snapshot_identifier = "${var.name}-final"

  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql"]

  dynamic "serverlessv2_scaling_configuration" {
    for_each = var.serverless ? [1] : []
    content {
      min_capacity = var.min_capacity_acu
      max_capacity = var.max_capacity_acu
    }
  }
}

data "aws_iam_policy_document" "monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "monitoring" {
  name               = "${var.name}-rds-monitoring"
  assume_role_policy = data.aws_iam_policy_document.monitoring_assume.json
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  role       = aws_iam_role.monitoring.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

# Instance 0 is the writer (promotion tier 0 is never chosen over a reader at failover, readers are 1..n).
resource "aws_rds_cluster_instance" "this" {
  count = local.instance_count

  identifier         = "${var.name}-${count.index}"
  cluster_identifier = aws_rds_cluster.this.id
  engine             = aws_rds_cluster.this.engine
  engine_version     = aws_rds_cluster.this.engine_version
  instance_class     = local.instance_class
  promotion_tier     = count.index == 0 ? 0 : 1

  publicly_accessible        = false
  auto_minor_version_upgrade = true
  ca_cert_identifier         = "rds-ca-rsa2048-g1"

  performance_insights_enabled          = true
  performance_insights_kms_key_id       = var.kms_key_arn
  performance_insights_retention_period = var.performance_insights_retention_days
  monitoring_interval                   = var.enhanced_monitoring_interval
  monitoring_role_arn                   = aws_iam_role.monitoring.arn
}

# --- per-service credentials -----------------------------------------------------------------------------------

# The password is generated here and held in the service's secret; the migration job creates the login role with
# it. Terraform state therefore holds it too: state is KMS-encrypted and readable by the Terraform roles only.
resource "random_password" "service" {
  for_each = toset(var.services)

  length  = 40
  special = false
}

resource "aws_secretsmanager_secret" "service" {
  for_each = toset(var.services)

  name                    = "bazaar/${var.environment}/${each.key}/database" # the chart's <keyPrefix>/<service>/database
  description             = "Database credentials of the ${each.key} service"
  kms_key_id              = var.secrets_kms_key_arn
  recovery_window_in_days = var.deletion_protection ? 30 : 7
}

resource "aws_secretsmanager_secret_version" "service" {
  for_each = toset(var.services)

  secret_id = aws_secretsmanager_secret.service[each.key].id
  secret_string = jsonencode({
    host        = aws_rds_cluster.this.endpoint
    reader_host = aws_rds_cluster.this.reader_endpoint
    port        = aws_rds_cluster.this.port
    database    = "bazaar_${each.key}"
    username    = "bazaar_${each.key}"
    password    = random_password.service[each.key].result
    sslmode     = "verify-full"
  })
}
