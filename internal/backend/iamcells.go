package backend

import "github.com/letsleep/letsleep/internal/probe"

// IAM columns of the boundary matrix: the IAM ways to the data a probe
// tries for real from a function's context.
const (
	ColumnDBSecret      = "db-secret"      // secretsmanager:GetSecretValue on a database's master secret
	ColumnDataAPI       = "data-api"       // rds-data:ExecuteStatement on a cluster, signed in with its secret
	ColumnInvokeControl = "invoke-control" // lambda:InvokeFunction (dry run) on a control function
	ColumnDBPassword    = "db-password"    // ssm:GetParameter on a parameter holding a database password
	ColumnAssumeRole    = "assume-role"    // sts:AssumeRole into another role, then the DB secret
)

// IAMColumns lists the IAM columns in report order.
var IAMColumns = []string{ColumnDBSecret, ColumnDataAPI, ColumnInvokeControl, ColumnDBPassword, ColumnAssumeRole}

// IAMCell is one IAM path a probe tries: an aws check made with the
// function's own credentials.
type IAMCell struct {
	Column string      `json:"column"`
	Target string      `json:"target"` // what it aims at, for people: a resource address
	Check  probe.Check `json:"check"`
}

// IAMProber is a twin whose probes try IAM paths against an IAM of its
// own (the lab: its AWS stand-ins authorise every call through the lab's
// IAM, read from the plan).
type IAMProber interface {
	// IAMCells lists the IAM paths to try from function's context.
	IAMCells(function string) []IAMCell
	// IAMAssumptions lists what the twin's IAM assumed when it answered
	// function's calls for cell; empty when the plan alone decided them.
	IAMAssumptions(function string, cell IAMCell) []string
}
