output "cluster_name" {
  description = "Cluster name."
  value       = aws_eks_cluster.this.name
}

output "cluster_endpoint" {
  description = "Private API endpoint."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_certificate_authority" {
  description = "Base64 CA bundle of the API server."
  value       = aws_eks_cluster.this.certificate_authority[0].data
}

output "karpenter" {
  description = "What the Karpenter Helm values and its EC2NodeClass need."
  value = {
    controller_role_arn = module.karpenter.iam_role_arn
    node_role_name      = module.karpenter.node_iam_role_name
    interruption_queue  = module.karpenter.queue_name
    # Karpenter's nodes get what the managed groups get: the cluster security group and root volumes encrypted
    # with the EBS key (the controller may use it: aws_iam_role_policy.karpenter_ebs_key).
    node_security_group_id = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
    ebs_kms_key_arn        = var.ebs_kms_key_arn
  }
}

output "oidc_provider_arn" {
  description = "IAM OIDC provider of the cluster (IRSA)."
  value       = aws_iam_openid_connect_provider.cluster.arn
}

output "oidc_issuer" {
  description = "Issuer host and path, the prefix of the IRSA condition keys."
  value       = replace(aws_eks_cluster.this.identity[0].oidc[0].issuer, "https://", "")
}
