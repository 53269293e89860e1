output "vpc_id" {
  description = "VPC id."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "VPC CIDR."
  value       = aws_vpc.this.cidr_block
}

output "private_app_subnet_ids" {
  description = "Private subnets for nodes and pods."
  value       = aws_subnet.private_app[*].id
}

output "private_data_subnet_ids" {
  description = "Private subnets for Aurora and ElastiCache."
  value       = aws_subnet.private_data[*].id
}

output "private_app_cidrs" {
  description = "CIDRs of the app tier, the only sources allowed into the data tier."
  value       = aws_subnet.private_app[*].cidr_block
}

output "transit_gateway_id" {
  description = "Transit Gateway id."
  value       = aws_ec2_transit_gateway.this.id
}
