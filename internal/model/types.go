// Package model holds the boundary model: the typed view of a Terraform plan
// that the policies reason over. The JSON form of Model is a public contract
// (schema SchemaVersion): built-in and user Rego read it as input.model, and
// `letsleep model --format json` prints it.
package model

// SchemaVersion names the JSON shape of Model. Bump it on breaking changes.
const SchemaVersion = "letsleep.model/v1"

// Function roles a stack may declare with the tag `letsleep:role` or --config.
const (
	RoleControl = "control"
	RoleEgress  = "egress"
	RoleHot     = "hot"
	RoleViewer  = "viewer"
	RoleWarmup  = "warmup"
)

// Path kinds. Egress paths prove a function can reach the internet; data paths
// prove it can reach a database.
const (
	PathOutsideVPC   = "outside-vpc"      // Lambda without vpc_config: AWS gives it internet
	PathNAT          = "nat"              // a subnet route sends public destinations to a NAT gateway or instance
	PathRoute        = "route"            // a subnet route sends public destinations to a gateway that leads out (IPv6 IGW, egress-only IGW, transit gateway, GWLB endpoint, peering, VPN)
	PathDeclared     = "declared"         // tagged egress, trusted as going out
	PathNetwork      = "network"          // SG egress + DB SG ingress + same VPC
	PathDataAPI      = "data-api"         // rds-data:* on a cluster with the HTTP endpoint on
	PathSecret       = "secret"           // secretsmanager:GetSecretValue on the DB secret
	PathRDSDBConnect = "rds-db-connect"   // rds-db:connect matching the DB
	PathInvoke       = "invoke"           // lambda:InvokeFunction on a function that has a data path
	PathAssumeRole   = "assume-role"      // sts:AssumeRole into a role that has a data path (or can hop on)
	PathTrigger      = "trigger"          // sns:Publish / sqs:SendMessage into a topic or queue that runs a function with a data path
	PathStateMachine = "state-machine"    // states:StartExecution on a state machine that invokes such a function
	PathAPIInvoke    = "execute-api"      // execute-api:Invoke on an IAM-authorised route in front of such a function
	PathUniversal    = "universal-target" // a Scheduler universal target calls rds-data or a waking RDS API
	// PathCredential ("credential", credentials.go): the environment carries the password.
)

// Model is the boundary model of one plan.
type Model struct {
	Schema          string          `json:"schema"`
	Plan            PlanInfo        `json:"plan"`
	Functions       []Function      `json:"functions"`
	Roles           []Role          `json:"roles"`
	Databases       []Database      `json:"databases"`
	Proxies         []Proxy         `json:"proxies"`
	NATGateways     []Gateway       `json:"nat_gateways"`
	InternetGateway []Gateway       `json:"internet_gateways"`
	SecurityGroups  []SecurityGroup `json:"security_groups"`
	Subnets         []Subnet        `json:"subnets"`
	Secrets         []Secret        `json:"secrets"`
	EntryPoints     []EntryPoint    `json:"entry_points"`
	Schedules       []Schedule      `json:"schedules"`
	Tables          []Table         `json:"tables"`
	Endpoints       []VPCEndpoint   `json:"vpc_endpoints"`
	Warnings        []Warning       `json:"warnings"`
	// TargetSets are listed once and named by id from grants, paths and
	// evidence steps (kind "target_set") that reach many targets at once.
	TargetSets []TargetSet `json:"target_sets"`
}

// TargetSet is a set of model objects one wildcard grant or one data path
// names together, when listing them one by one would make the model grow
// with the square of the plan (more than ListedTargets members).
type TargetSet struct {
	ID      string   `json:"id"`      // KIND:HASH, derived from the members
	Kind    string   `json:"kind"`    // secrets|databases|functions|roles|topics|queues|state_machines|apis
	Members []string `json:"members"` // addresses, sorted
	// Runs, for a set of topics, queues, state machines or APIs that a
	// wildcard hop grant names: each way a call into a member runs a
	// function (the trigger's steps, ending at the function's step). For a
	// set of roles: the trust-policy step that admits the callers of the
	// set (Function empty). Paths through the set name the set once; a
	// reader expanding them picks the member's run.
	Runs []SetRun `json:"runs,omitempty"`
}

// SetRun is one way through a member of a target set.
type SetRun struct {
	Member   string `json:"member"`
	Function string `json:"function,omitempty"`
	Steps    []Step `json:"steps"`
}

// PlanInfo identifies the plan the model came from.
type PlanInfo struct {
	Source           string `json:"source"`
	TerraformVersion string `json:"terraform_version"`
	FormatVersion    string `json:"format_version"`
	ResourceCount    int    `json:"resource_count"`
}

// Step is one link of an evidence chain a reviewer can follow.
type Step struct {
	Kind    string `json:"kind"`              // function, role, policy, statement, action, resource, security_group, sg_rule, subnet, route_table, route, nat_gateway, database, secret, entry_point, internet
	Address string `json:"address,omitempty"` // full resource address, or an ARN for AWS-managed policies
	Detail  string `json:"detail"`
	// FromUnknown marks a link resolved through configuration references
	// because its value was unknown at plan time.
	FromUnknown bool `json:"from_unknown,omitempty"`
	// Assumption is set when this link is not known but assumed (the worst
	// case): every path and finding that goes through it rests on a guess.
	Assumption *Assumption `json:"assumption,omitempty"`
}

// Assumption is what letsleep could not know and what it assumed instead.
// A finding that rests on one is never critical or high (the engine caps
// it at medium) and lists it in its `assumptions`.
type Assumption struct {
	Address string `json:"address,omitempty"` // the resource whose value is unknown
	Unknown string `json:"unknown"`           // what could not be resolved
	Assumed string `json:"assumed"`           // what letsleep assumed in its place
}

// Path is an evidence chain from a function to a target (a database address,
// or "internet"), or to every database of a target set: then Target is ""
// and TargetSet names the set (model.target_sets), and the last step is the
// set's (kind "target_set"). ExpandPath gives one path per member.
type Path struct {
	Kind      string `json:"kind"`
	Target    string `json:"target"`
	TargetSet string `json:"target_set,omitempty"`
	Steps     []Step `json:"steps"`
	// Unresolved is true when a link could not be resolved and the path is
	// assumed conservatively; the steps carrying an Assumption say which
	// (finishAssumptions keeps the two in step).
	Unresolved bool `json:"unresolved,omitempty"`
}

// Function is a Lambda function with its placement, role and derived reach.
type Function struct {
	Address        string            `json:"address"`
	Name           string            `json:"name,omitempty"`
	Role           string            `json:"role,omitempty"`        // control|egress|hot|viewer|warmup, or "" when undeclared
	RoleSource     string            `json:"role_source,omitempty"` // tag|config
	InVPC          bool              `json:"in_vpc"`
	Subnets        []string          `json:"subnets"`         // subnet addresses (or ids when not in the plan)
	SecurityGroups []string          `json:"security_groups"` // SG addresses (or ids)
	ExecutionRole  string            `json:"execution_role,omitempty"`
	Reserved       *int              `json:"reserved_concurrency,omitempty"`
	Tags           map[string]string `json:"tags"`
	Egress         []Path            `json:"egress"`     // how it can go out; empty means it cannot
	DataPaths      []Path            `json:"data_paths"` // how it can reach a DB; empty means it cannot
	Unresolved     []string          `json:"unresolved"`
	// DualStack: ipv6_allowed_for_dual_stack, so it has an IPv6 address too.
	DualStack bool `json:"dual_stack,omitempty"`
	// roleLiteral: the execution role as written, when it is a literal ARN
	// resolved to a role of the plan; its function step quotes it.
	roleLiteral string
	// sgGuess: the security groups are one of several, not all of them
	// (a conditional or a for_each value that could not be narrowed);
	// it is what was unknown, and every path through them assumes it.
	sgGuess string
	// subnetGuess: the subnets are one of several sets (a conditional the
	// sources could not decide); every way out through them assumes it.
	subnetGuess string
}

// Role is an IAM role with every policy it carries, flattened. IAM users
// and groups are listed the same way (their address names the kind).
type Role struct {
	Address    string      `json:"address"`
	Name       string      `json:"name,omitempty"`
	Policies   []PolicyRef `json:"policies"`
	Statements []Statement `json:"statements"`
	Grants     []Grant     `json:"grants"`
	Unresolved []string    `json:"unresolved"`
}

// PolicyRef names one policy attached to a role and how it got there.
type PolicyRef struct {
	Address string `json:"address"` // resource address, data source address, or managed ARN
	Source  string `json:"source"`  // inline|inline_block|attachment|policy_attachment|managed_arns|managed
	Managed bool   `json:"managed,omitempty"`
	Known   bool   `json:"known"` // false when the document could not be read at plan time
}

// Statement is one IAM statement after normalisation (strings become lists).
type Statement struct {
	Origin       string   `json:"origin"` // the PolicyRef address it came from
	Sid          string   `json:"sid,omitempty"`
	Effect       string   `json:"effect"`
	Actions      []string `json:"actions,omitempty"`
	NotActions   []string `json:"not_actions,omitempty"`
	Resources    []string `json:"resources,omitempty"` // ARN patterns; unknown ARNs are replaced by the address they reference
	NotResources []string `json:"not_resources,omitempty"`
	Conditional  bool     `json:"conditional,omitempty"`
	FromUnknown  bool     `json:"from_unknown,omitempty"`
	// Document and Part name, for a statement of an aws_iam_policy_document
	// whose resources could not be resolved, the data source and the block
	// ("statement NAME"); its warning carries the same address and part,
	// so a check that reports the cause can fold that warning in.
	Document string `json:"document,omitempty"`
	Part     string `json:"part,omitempty"`
}

// Grant is a notable permission a role effectively holds after Deny.
type Grant struct {
	Action   string `json:"action"`           // canonical action, e.g. secretsmanager:GetSecretValue
	Resource string `json:"resource"`         // pattern as granted
	Target   string `json:"target,omitempty"` // model address it matched, if any
	// TargetSet: the id of the set of targets it matched, when more than
	// ListedTargets (Target is then ""); the last Via step names the set.
	TargetSet   string `json:"target_set,omitempty"`
	Broad       bool   `json:"broad"` // "*" or a wildcard pattern that spans many resources
	Conditional bool   `json:"conditional,omitempty"`
	Via         []Step `json:"via"` // role → policy → statement → action → resource
}

// Database is an Aurora/RDS cluster or a standalone instance.
type Database struct {
	Address               string       `json:"address"`
	Kind                  string       `json:"kind"` // cluster|instance
	Identifier            string       `json:"identifier,omitempty"`
	Engine                string       `json:"engine"`
	EngineVersion         string       `json:"engine_version,omitempty"`
	EngineMode            string       `json:"engine_mode,omitempty"`
	Serverless            bool         `json:"serverless"` // serverlessv2 scaling configured
	MinCapacity           *float64     `json:"min_capacity,omitempty"`
	MaxCapacity           *float64     `json:"max_capacity,omitempty"`
	SecondsUntilAutoPause *int         `json:"seconds_until_auto_pause,omitempty"`
	HTTPEndpoint          bool         `json:"http_endpoint"`
	IAMAuth               bool         `json:"iam_auth"`
	PubliclyAccessible    bool         `json:"publicly_accessible"`
	Port                  int          `json:"port"`
	Instances             []DBInstance `json:"instances"`
	SecurityGroups        []string     `json:"security_groups"`
	ParameterGroup        string       `json:"parameter_group,omitempty"`
	LogicalReplication    bool         `json:"logical_replication"`
	ManagedMasterSecret   bool         `json:"managed_master_secret"`
	Secrets               []string     `json:"secrets"` // secret addresses holding its credentials
	GlobalCluster         string       `json:"global_cluster,omitempty"`
	ActivityStream        string       `json:"activity_stream,omitempty"`
	ZeroETL               []string     `json:"zero_etl"`
	Proxies               []string     `json:"proxies"`
	// Subnets are those of its DB subnet group: its network interfaces
	// live there.
	Subnets []string `json:"subnets,omitempty"`
	Unknown []string `json:"unknown"` // attributes unknown at plan time
}

// DBInstance is an instance that belongs to a cluster.
type DBInstance struct {
	Address            string `json:"address"`
	InstanceClass      string `json:"instance_class"`
	PubliclyAccessible bool   `json:"publicly_accessible"`
}

// Proxy is an RDS Proxy with the databases it fronts and where it sits: its
// security groups and subnets (addresses, or ids when not in the plan), so
// the lab can place its pool in the VPC like any other node.
type Proxy struct {
	Address        string   `json:"address"`
	Targets        []string `json:"targets"`
	SecurityGroups []string `json:"security_groups"`
	Subnets        []string `json:"subnets"`
}

// Gateway is a NAT or internet gateway.
type Gateway struct {
	Address string `json:"address"`
	Subnet  string `json:"subnet,omitempty"`
	VPC     string `json:"vpc,omitempty"`
	// Private: a private NAT gateway (connectivity_type = "private"), which
	// has no way to the internet.
	Private bool `json:"private,omitempty"`
}

// SecurityGroup gathers the rules of all four forms onto their group.
type SecurityGroup struct {
	Address string   `json:"address"`
	ID      string   `json:"id,omitempty"`
	Name    string   `json:"name,omitempty"`
	VPC     string   `json:"vpc,omitempty"`
	Ingress []SGRule `json:"ingress"`
	Egress  []SGRule `json:"egress"`
}

// SGRule is one normalised rule.
type SGRule struct {
	Address     string   `json:"address"` // the rule resource, or the SG for inline blocks
	Form        string   `json:"form"`    // inline|aws_security_group_rule|aws_vpc_security_group_ingress_rule|aws_vpc_security_group_egress_rule|aws_db_security_group|aws_redshift_security_group|aws_elasticache_security_group
	Protocol    string   `json:"protocol"`
	FromPort    int      `json:"from_port"`
	ToPort      int      `json:"to_port"`
	CIDRs       []string `json:"cidrs"` // IPv4 and IPv6
	PeerGroups  []string `json:"peer_groups"`
	Self        bool     `json:"self,omitempty"`
	PrefixLists []string `json:"prefix_lists"`
	Unresolved  bool     `json:"unresolved,omitempty"`
	// Open lists the families (IPv4, IPv6) whose whole internet the rule
	// admits, computed on address sets: alone, or together with the rules
	// in OpenWith that admit at least its protocol and ports.
	Open     []string `json:"open,omitempty"`
	OpenWith []string `json:"open_with,omitempty"`
}

// Subnet carries its effective route table and what its routes reach.
type Subnet struct {
	Address    string  `json:"address"`
	ID         string  `json:"id,omitempty"`
	VPC        string  `json:"vpc,omitempty"`
	CIDR       string  `json:"cidr,omitempty"`
	RouteTable string  `json:"route_table,omitempty"`
	Routes     []Route `json:"routes"`
}

// Route is one route of a subnet's table.
type Route struct {
	Address     string `json:"address"`     // aws_route or the table for inline routes
	Destination string `json:"destination"` // CIDR or prefix list
	TargetKind  string `json:"target_kind"` // nat|igw|tgw|peering|instance|eni|endpoint|local|unknown
	Target      string `json:"target,omitempty"`
}

// Secret is a Secrets Manager secret.
type Secret struct {
	Address      string `json:"address"`
	Kind         string `json:"kind,omitempty"` // "" for Secrets Manager, ssm_parameter
	Name         string `json:"name,omitempty"`
	Database     string `json:"database,omitempty"` // the DB whose credentials it holds
	Why          string `json:"why,omitempty"`      // how it was tied to the DB, when not by tag
	PublicPolicy bool   `json:"public_policy"`      // resource policy allows Principal "*"
	PolicySteps  []Step `json:"policy_steps,omitempty"`
}

// EntryPoint is a way in from outside: a function URL, an API route or
// method, a quick-create API, a Lambda permission, a load balancer, a
// Cognito identity pool's guest role, or a topic or queue anyone may write to.
type EntryPoint struct {
	Address   string `json:"address"`
	Kind      string `json:"kind"` // function_url|apigw_v2_route|apigw_method|apigw_v2_quick_create|lambda_permission|alb|cognito_unauthenticated|sns_topic|sqs_queue
	Auth      string `json:"auth"` // NONE|AWS_IAM|JWT|CUSTOM|COGNITO_USER_POOLS|unknown
	Function  string `json:"function,omitempty"`
	Throttled bool   `json:"throttled"` // a stage or usage plan limits the rate
	// Steps: how a caller gets from the entry point to Function (policy,
	// subscription, listener, role…); empty when the entry point fronts it
	// directly.
	Steps []Step `json:"steps,omitempty"`
	// DataPaths: data paths the entry point's caller has without running a
	// function (a guest role that may call the Data API itself).
	DataPaths []Path `json:"data_paths,omitempty"`
	// Unresolved: the entry point rests on a link unknown at plan time.
	Unresolved bool `json:"unresolved,omitempty"`
	// Candidates: every function the entry point may front when the plan
	// does not tell which (an integration of a for_each map without the
	// sources). There is one entry point per candidate, each Unresolved,
	// with a step that carries the assumption.
	Candidates []string `json:"candidates,omitempty"`
	// TargetUnknown says what could not be resolved when the entry point
	// invokes a function the model cannot name (Function is then empty):
	// its target is unknown at plan time and its references lead to no
	// resource in the plan (a local or a module input without --source).
	TargetUnknown string `json:"target_unknown,omitempty"`
}

// Schedule is an EventBridge rule or EventBridge Scheduler schedule with
// what each run touches.
type Schedule struct {
	Address    string `json:"address"`
	Kind       string `json:"kind"` // eventbridge_rule|scheduler_schedule
	Expression string `json:"expression"`
	// PeriodSeconds is the shortest time between two runs; 0 when the
	// expression is unknown, one-time (at()) or not understood.
	PeriodSeconds int  `json:"period_seconds"`
	Enabled       bool `json:"enabled"`
	// Targets: what each run invokes, as the rule's targets and the
	// schedule's target name it: function addresses (or the raw ARN when it
	// names no function of the plan), and a universal target's ARN
	// (arn:aws:scheduler:::aws-sdk:SERVICE:Action) as written.
	Targets []string `json:"targets"`
	// Wakes: one path per database a run can wake (through a function
	// with a data path, or a universal target calling rds-data or RDS).
	Wakes []Path `json:"wakes"`
}

// Table is a DynamoDB table.
type Table struct {
	Address      string `json:"address"`
	Name         string `json:"name,omitempty"`
	TTL          bool   `json:"ttl"`
	Recomputable bool   `json:"recomputable"` // tag letsleep:recomputable=true
}

// VPCEndpoint is an interface or gateway VPC endpoint (billed per AZ when interface).
type VPCEndpoint struct {
	Address string   `json:"address"`
	Service string   `json:"service"`
	Type    string   `json:"type"`
	Subnets []string `json:"subnets"`
	// SecurityGroups filter an interface endpoint's network interfaces
	// (the lab places the endpoint behind them).
	SecurityGroups []string `json:"security_groups"`
	// PrivateDNS: the service's regional name resolves to the endpoint
	// inside its VPC, so the SDK's default endpoint goes through it.
	PrivateDNS bool `json:"private_dns"`
}

// Warning is something the model could not analyse. It is never dropped:
// the policies turn warnings into findings, and --strict fails on them.
type Warning struct {
	Kind    string `json:"kind"` // unresolved-reference|unknown-policy|blind-spot|format-version|invalid-policy|invalid-role|deferred|same-name|target-unknown
	Address string `json:"address"`
	// Part narrows the address to the part it concerns ("statement NAME"
	// of a policy document), when a Statement names the same part.
	Part    string `json:"part,omitempty"`
	Message string `json:"message"`
	// Guarded, on a hop-set warning: a function that must stay away from
	// the data (egress, hot, viewer, or undeclared with a way out) or that
	// an unauthenticated entry point fronts, or an open identity pool,
	// whose chain reaches the role; "" when none does. LSL-015 then
	// reports the gap at medium.
	Guarded string `json:"guarded,omitempty"`
}
