# EKS with a private API endpoint, KMS envelope encryption of Secrets, all control plane logs, access entries
# instead of the aws-auth ConfigMap, and three managed node groups. Karpenter adds capacity beyond them.

data "aws_partition" "current" {}

locals {
  partition     = data.aws_partition.current.partition
  aws_policy    = "arn:${local.partition}:iam::aws:policy"
  eks_policy    = "arn:${local.partition}:eks::aws:cluster-access-policy"
  control_plane = ["api", "audit", "authenticator", "controllerManager", "scheduler"]

  # The system group carries the add-ons and keeps service pods off it; spot carries only pods that tolerate it.
  node_taints = {
    system  = [{ key = "CriticalAddonsOnly", value = "true", effect = "NO_SCHEDULE" }]
    general = []
    spot    = [{ key = "bazaar.io/spot", value = "true", effect = "NO_SCHEDULE" }]
  }
}

# --- control plane ---------------------------------------------------------------------------------------------

# Created before the cluster so retention and KMS apply from the first log line (EKS would create it bare).
resource "aws_cloudwatch_log_group" "control_plane" {
  name              = "/aws/eks/${var.name}/cluster"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

data "aws_iam_policy_document" "cluster_assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cluster" {
  name               = "${var.name}-eks-cluster"
  assume_role_policy = data.aws_iam_policy_document.cluster_assume.json
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "${local.aws_policy}/AmazonEKSClusterPolicy"
}

resource "aws_eks_cluster" "this" {
  name     = var.name
  version  = var.kubernetes_version
  role_arn = aws_iam_role.cluster.arn

  vpc_config {
    subnet_ids              = var.subnet_ids
    endpoint_private_access = true
    endpoint_public_access  = false
  }

  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = var.secrets_kms_key_arn
    }
  }

  access_config {
    authentication_mode                         = "API"
    bootstrap_cluster_creator_admin_permissions = false
  }

  enabled_cluster_log_types = local.control_plane

  upgrade_policy {
    support_type = "STANDARD" # extended support costs six times as much; upgrades are planned instead
  }

  depends_on = [aws_cloudwatch_log_group.control_plane, aws_iam_role_policy_attachment.cluster]
}

resource "aws_vpc_security_group_ingress_rule" "api_from_vpc" {
  security_group_id = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
  description       = "Kubernetes API from inside the VPC (private endpoint only)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.vpc_cidr
}

# IRSA: the chart annotates ServiceAccounts with role ARNs, and External Secrets authenticates as a ServiceAccount,
# so roles also trust the cluster's OIDC issuer (Pod Identity covers the add-ons and controllers).
resource "aws_iam_openid_connect_provider" "cluster" {
  url            = aws_eks_cluster.this.identity[0].oidc[0].issuer
  client_id_list = ["sts.amazonaws.com"]
}

# --- access ----------------------------------------------------------------------------------------------------

resource "aws_eks_access_entry" "admin" {
  cluster_name  = aws_eks_cluster.this.name
  principal_arn = var.admin_role_arn
}

resource "aws_eks_access_policy_association" "admin" {
  cluster_name  = aws_eks_cluster.this.name
  principal_arn = aws_eks_access_entry.admin.principal_arn
  policy_arn    = "${local.eks_policy}/AmazonEKSClusterAdminPolicy"
  access_scope {
    type = "cluster"
  }
}

resource "aws_eks_access_entry" "deploy" {
  cluster_name  = aws_eks_cluster.this.name
  principal_arn = var.deploy_role_arn
}

resource "aws_eks_access_policy_association" "deploy" {
  cluster_name  = aws_eks_cluster.this.name
  principal_arn = aws_eks_access_entry.deploy.principal_arn
  policy_arn    = "${local.eks_policy}/AmazonEKSAdminPolicy"
  access_scope {
    type       = "namespace"
    namespaces = [var.app_namespace]
  }
}

# Terraform itself: the apply role installs the cluster add-ons (modules/cluster-addons, Helm), the plan role
# reads them (AmazonEKSAdminViewPolicy includes Secrets, where Helm keeps its release records). Both are the
# workload account's StackSet roles (infra/organization), reached only from the CI roles in shared services.
resource "aws_eks_access_entry" "terraform" {
  for_each = var.terraform_role_arns

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = each.value
}

resource "aws_eks_access_policy_association" "terraform" {
  for_each = var.terraform_role_arns

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = aws_eks_access_entry.terraform[each.key].principal_arn
  policy_arn    = "${local.eks_policy}/${each.key == "apply" ? "AmazonEKSClusterAdminPolicy" : "AmazonEKSAdminViewPolicy"}"
  access_scope {
    type = "cluster"
  }
}

# --- nodes -----------------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "node_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "node" {
  name               = "${var.name}-eks-node"
  assume_role_policy = data.aws_iam_policy_document.node_assume.json
}

# No CNI policy on the node role: the VPC CNI gets its own Pod Identity role below, so pods cannot borrow it.
resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset(["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonSSMManagedInstanceCore"])

  role       = aws_iam_role.node.name
  policy_arn = "${local.aws_policy}/${each.value}"
}

resource "aws_launch_template" "node" {
  for_each = var.node_groups

  name_prefix = "${var.name}-${each.key}-"

  # IMDSv2 only, one hop: pods cannot reach the node's credentials through the metadata service.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = 50
      volume_type           = "gp3"
      encrypted             = true
      kms_key_id            = var.ebs_kms_key_arn
      delete_on_termination = true
    }
  }

  tag_specifications {
    resource_type = "instance"
    tags          = { Name = "${var.name}-${each.key}" }
  }

  tag_specifications {
    resource_type = "volume"
    tags          = { Name = "${var.name}-${each.key}" }
  }
}

resource "aws_eks_node_group" "this" {
  for_each = var.node_groups

  cluster_name    = aws_eks_cluster.this.name
  node_group_name = each.key
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = var.subnet_ids
  instance_types  = each.value.instance_types
  ami_type        = var.node_ami_types[each.key]
  capacity_type   = each.key == "spot" ? "SPOT" : "ON_DEMAND"

  scaling_config {
    min_size     = each.value.min_size
    desired_size = each.value.desired_size
    max_size     = each.value.max_size
  }

  update_config {
    max_unavailable_percentage = 33
  }

  launch_template {
    id      = aws_launch_template.node[each.key].id
    version = aws_launch_template.node[each.key].latest_version
  }

  labels = {
    "bazaar.io/node-group" = each.key
  }

  dynamic "taint" {
    for_each = local.node_taints[each.key]
    content {
      key    = taint.value.key
      value  = taint.value.value
      effect = taint.value.effect
    }
  }

  lifecycle {
    ignore_changes = [scaling_config[0].desired_size] # the autoscaler owns it after creation
  }

  depends_on = [aws_iam_role_policy_attachment.node]
}

# --- add-ons ---------------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "pod_identity_assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = ["pods.eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "vpc_cni" {
  name               = "${var.name}-vpc-cni"
  assume_role_policy = data.aws_iam_policy_document.pod_identity_assume.json
}

resource "aws_iam_role_policy_attachment" "vpc_cni" {
  role       = aws_iam_role.vpc_cni.name
  policy_arn = "${local.aws_policy}/AmazonEKS_CNI_Policy"
}

resource "aws_iam_role" "ebs_csi" {
  name               = "${var.name}-ebs-csi"
  assume_role_policy = data.aws_iam_policy_document.pod_identity_assume.json
}

resource "aws_iam_role_policy_attachment" "ebs_csi" {
  role       = aws_iam_role.ebs_csi.name
  policy_arn = "${local.aws_policy}/service-role/AmazonEBSCSIDriverPolicy"
}

# The managed policy does not cover customer-managed keys; volumes are encrypted with ours.
data "aws_iam_policy_document" "ebs_csi_kms" {
  statement {
    actions   = ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"]
    resources = [var.ebs_kms_key_arn]
  }
}

resource "aws_iam_role_policy" "ebs_csi_kms" {
  name   = "use-ebs-key"
  role   = aws_iam_role.ebs_csi.id
  policy = data.aws_iam_policy_document.ebs_csi_kms.json
}

# Pod Identity agent first: the CNI and EBS CSI add-ons take their credentials through it.
resource "aws_eks_addon" "pod_identity_agent" {
  cluster_name = aws_eks_cluster.this.name
  addon_name   = "eks-pod-identity-agent"
}

resource "aws_eks_addon" "vpc_cni" {
  cluster_name = aws_eks_cluster.this.name
  addon_name   = "vpc-cni"

  pod_identity_association {
    role_arn        = aws_iam_role.vpc_cni.arn
    service_account = "aws-node"
  }

  configuration_values = jsonencode({
    env                 = { ENABLE_PREFIX_DELEGATION = "true" } # more pods per node from the /19s
    enableNetworkPolicy = "true"                                # NetworkPolicies in the chart are enforced by the CNI
  })

  depends_on = [aws_eks_addon.pod_identity_agent]
}

resource "aws_eks_addon" "kube_proxy" {
  cluster_name = aws_eks_cluster.this.name
  addon_name   = "kube-proxy"
}

resource "aws_eks_addon" "coredns" {
  cluster_name = aws_eks_cluster.this.name
  addon_name   = "coredns"
  configuration_values = jsonencode({
    tolerations = [{ key = "CriticalAddonsOnly", operator = "Exists" }]
  })
  depends_on = [aws_eks_node_group.this]
}

resource "aws_eks_addon" "ebs_csi" {
  cluster_name = aws_eks_cluster.this.name
  addon_name   = "aws-ebs-csi-driver"

  pod_identity_association {
    role_arn        = aws_iam_role.ebs_csi.arn
    service_account = "ebs-csi-controller-sa"
  }

  depends_on = [aws_eks_node_group.this, aws_eks_addon.pod_identity_agent]
}

resource "aws_eks_addon" "metrics_server" {
  cluster_name = aws_eks_cluster.this.name
  addon_name   = "metrics-server"
  depends_on   = [aws_eks_node_group.this]
}

# --- Karpenter -------------------------------------------------------------------------------------------------

# The community module builds the controller role, the node role, the interruption queue and its EventBridge
# rules; the controller itself is installed by the platform Helm release.
module "karpenter" {
  source  = "terraform-aws-modules/eks/aws//modules/karpenter"
  version = "~> 21.0"

  cluster_name                    = aws_eks_cluster.this.name
  namespace                       = "kube-system"
  service_account                 = "karpenter"
  create_pod_identity_association = true
  iam_role_name                   = "${var.name}-karpenter"
  iam_role_use_name_prefix        = false
  node_iam_role_name              = "${var.name}-karpenter-node"
  node_iam_role_use_name_prefix   = false
  queue_name                      = "${var.name}-karpenter"
  queue_managed_sse_enabled       = true
  node_iam_role_additional_policies = {
    ssm = "${local.aws_policy}/AmazonSSMManagedInstanceCore"
  }
}

# Karpenter launches nodes itself (not through Auto Scaling), so its controller needs the volume key too.
data "aws_iam_policy_document" "karpenter_ebs_key" {
  statement {
    sid       = "EncryptNodeVolumes"
    actions   = ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"]
    resources = [var.ebs_kms_key_arn]
  }
}

resource "aws_iam_role_policy" "karpenter_ebs_key" {
  name   = "use-ebs-key"
  role   = module.karpenter.iam_role_name
  policy = data.aws_iam_policy_document.karpenter_ebs_key.json
}
