package readlimit

// The caps on the user's files other than plans (the plan loader has its
// own, LETSLEEP_MAX_PLAN_BYTES). docs/reliability.md lists them all; keep
// the two in step. Four MiB is hundreds of times what a real file of each
// kind holds, and small enough that parsing it stays well under 1 GiB.
var (
	Waivers = Limit{What: "waivers file", Env: "LETSLEEP_MAX_WAIVERS_BYTES", Default: 4 << 20}
	Config  = Limit{What: "config file", Env: "LETSLEEP_MAX_CONFIG_BYTES", Default: 4 << 20}
	Prices  = Limit{What: "price file", Env: "LETSLEEP_MAX_PRICES_BYTES", Default: 4 << 20}
	Policy  = Limit{What: "policy file", Env: "LETSLEEP_MAX_POLICY_BYTES", Default: 4 << 20}
	// Source bounds one .tf file (or a module manifest) under --source;
	// generated Terraform can be large, so it is twice the others.
	Source = Limit{What: "Terraform source file", Env: "LETSLEEP_MAX_SOURCE_BYTES", Default: 8 << 20}
)
