output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "private_subnet_ids" {
  description = "IDs of the private subnets, one per AZ."
  value       = aws_subnet.private[*].id
}

output "private_route_table_id" {
  description = "ID of the route table of the private subnets."
  value       = aws_route_table.private.id
}

output "endpoint_security_group_id" {
  description = "Security group of the interface endpoints, or null when there are none."
  value       = try(aws_security_group.endpoints[0].id, null)
}

output "nat_gateway_ids" {
  description = "IDs of the NAT gateways (empty in a sleep-first stack)."
  value       = aws_nat_gateway.this[*].id
}
