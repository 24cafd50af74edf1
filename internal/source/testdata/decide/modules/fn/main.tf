variable "sg_ids" {
  type = list(string)
}

variable "role" {
  type = string
}
