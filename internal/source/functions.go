package source

import (
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// functions are the Terraform functions a policy document is built with,
// as go-cty's standard library and hcl's extensions implement them. A
// function not listed fails the evaluation, which then falls back to the
// reference sets: an unknown function is never guessed at.
var functions = map[string]function.Function{
	"jsonencode": stdlib.JSONEncodeFunc,
	"jsondecode": stdlib.JSONDecodeFunc,
	"concat":     stdlib.ConcatFunc,
	"merge":      stdlib.MergeFunc,
	"flatten":    stdlib.FlattenFunc,
	"distinct":   stdlib.DistinctFunc,
	"compact":    stdlib.CompactFunc,
	"coalesce":   stdlib.CoalesceFunc,
	"lookup":     stdlib.LookupFunc,
	"element":    stdlib.ElementFunc,
	"keys":       stdlib.KeysFunc,
	"values":     stdlib.ValuesFunc,
	"length":     stdlib.LengthFunc,
	"contains":   stdlib.ContainsFunc,
	"zipmap":     stdlib.ZipmapFunc,
	"format":     stdlib.FormatFunc,
	"join":       stdlib.JoinFunc,
	"lower":      stdlib.LowerFunc,
	"upper":      stdlib.UpperFunc,
	"replace":    stdlib.ReplaceFunc,
	"tolist":     stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
	"toset":      stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
	"tomap":      stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
	"tostring":   stdlib.MakeToFunc(cty.String),
	"try":        tryfunc.TryFunc,
	"can":        tryfunc.CanFunc,
}
