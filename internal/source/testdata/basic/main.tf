locals {
  fn_sgs = [module.fn_sg.id]
}

module "fn_sg" {
  source = "./modules/sg"
  name   = "fn"
}

module "db_sg" {
  source = "./modules/sg"
  name   = "db"
}

module "fn" {
  source     = "./modules/fn"
  subnet_ids = aws_subnet.private[*].id
  sg_ids     = local.fn_sgs
}

module "remote" {
  source  = "terraform-aws-modules/acm/aws"
  version = "5.0.1"
}

resource "aws_subnet" "private" {
  count      = 2
  vpc_id     = "vpc-1"
  cidr_block = "10.0.${count.index}.0/24"
}
