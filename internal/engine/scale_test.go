//go:build unix

package engine

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/model"
)

// TestEvalScalesLinearly catches a quadratic rule (for example a join of
// every function with every resource) in `go test`, not only in benchmarks.
// It compares CPU time, not wall time, so a busy machine does not make it
// flaky: ten times the functions cost about ten times the CPU (measured 9.5x);
// a quadratic rule costs up to a hundred. Partial object rules keyed by a
// variable, a milder quadratic (OPA checks each new key against all earlier
// ones; measured 17x here), are kept out by TestNoVariableKeyedRules in
// policies/.
func TestEvalScalesLinearly(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	// The check is on CPU time; the wall-clock guard (DefaultTimeout, 30 s)
	// is for user policies that loop. On 2 cores at load 20-30 the 10,000
	// function Eval (about 2.7 s of CPU) took over 30 s of wall time and
	// failed on that guard, so it is raised here; go test's -timeout still
	// bounds a runaway rule.
	e := newEngine(t, Options{Timeout: 5 * time.Minute})
	cost := func(n int) time.Duration {
		m := indexHeavyModel(n)
		best := time.Duration(1 << 62)
		for i := 0; i < 2; i++ {
			start := cpuTime()
			if _, err := e.Eval(context.Background(), m, nil); err != nil {
				t.Fatal(err)
			}
			if d := cpuTime() - start; d < best {
				best = d
			}
		}
		return best
	}
	small, large := cost(1000), cost(10000)
	t.Logf("Eval CPU time: 1,000 functions %s, 10,000 functions %s (ratio %.1f)", small, large, float64(large)/float64(small))
	if large > 20*small {
		t.Fatalf("10x the functions cost %.0fx the CPU time; some rule is superlinear", float64(large)/float64(small))
	}
}

// indexHeavyModel has n functions, each with its own role, entry point, DB
// security group and NAT route, and one item of each kind that makes a check
// read the whole index: the cost is dominated by the indexes the checks build,
// which is where a quadratic rule hides.
func indexHeavyModel(n int) *model.Model {
	m := &model.Model{
		NATGateways: []model.Gateway{{Address: "aws_nat_gateway.n0"}},
	}
	for i := 0; i < n; i++ {
		fn := fmt.Sprintf("aws_lambda_function.f%d", i)
		role := fmt.Sprintf("aws_iam_role.r%d", i)
		f := model.Function{Address: fn, ExecutionRole: role}
		r := model.Role{Address: role}
		if i == 0 {
			f.Role = model.RoleWarmup
			r.Grants = []model.Grant{{Action: "rds-data:ExecuteStatement", Resource: "x"}}
		}
		m.Functions = append(m.Functions, f)
		m.Roles = append(m.Roles, r)
		m.EntryPoints = append(m.EntryPoints, model.EntryPoint{Address: fn + "_url", Kind: "function_url", Auth: "AWS_IAM", Function: fn, Throttled: true})
		sg := fmt.Sprintf("aws_security_group.db%d", i)
		m.Databases = append(m.Databases, model.Database{Address: fmt.Sprintf("aws_rds_cluster.d%d", i), Kind: "cluster", Engine: "aurora-postgresql", Serverless: true, MinCapacity: ptr(0.0), SecurityGroups: []string{sg}, Port: 5432})
		m.SecurityGroups = append(m.SecurityGroups, model.SecurityGroup{Address: sg})
		m.Subnets = append(m.Subnets, model.Subnet{Address: fmt.Sprintf("aws_subnet.s%d", i), Routes: []model.Route{{Destination: "0.0.0.0/0", TargetKind: "nat", Target: fmt.Sprintf("aws_nat_gateway.n%d", i)}}})
	}
	return m
}
