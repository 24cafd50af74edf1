variable "private" {
  type    = bool
  default = false
}

module "fn" {
  source     = "./modules/fn"
  subnet_ids = var.private ? aws_subnet.private[*].id : aws_subnet.public[*].id
}

resource "aws_subnet" "private" {
  count      = 2
  vpc_id     = "vpc-1"
  cidr_block = "10.0.${count.index}.0/24"
}

resource "aws_subnet" "public" {
  count      = 2
  vpc_id     = "vpc-1"
  cidr_block = "10.0.10${count.index}.0/24"
}

# A condition on a value only apply knows: both arms, and a guess.
module "undecided" {
  source     = "./modules/fn"
  subnet_ids = aws_subnet.private[0].map_public_ip_on_launch ? aws_subnet.public[*].id : aws_subnet.private[*].id
}
