output "bucket_name" {
  description = "Name of the site bucket."
  value       = aws_s3_bucket.this.id
}

output "distribution_domain_name" {
  description = "CloudFront domain name of the viewer."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "distribution_arn" {
  description = "ARN of the distribution."
  value       = aws_cloudfront_distribution.this.arn
}
