//go:build linux

package lab

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/letsleep/letsleep/internal/model"
)

// withProxy adds an RDS Proxy to the reference-like model: its own
// security group, admitted by the DB's when dbAdmitsProxy.
func withProxy(dbAdmitsProxy bool) *model.Model {
	m := referenceLike()
	const proxySG, dbSG, fnSG = "aws_security_group.proxy", "aws_security_group.db", "aws_security_group.fn"
	m.Proxies = []model.Proxy{{Address: "aws_db_proxy.p", Targets: []string{"aws_rds_cluster.db"},
		SecurityGroups: []string{proxySG}, Subnets: []string{"aws_subnet.a"}}}
	m.Databases[0].Proxies = []string{"aws_db_proxy.p"}
	m.SecurityGroups = append(m.SecurityGroups, model.SecurityGroup{Address: proxySG, VPC: "aws_vpc.main",
		Ingress: []model.SGRule{{Address: "aws_vpc_security_group_ingress_rule.proxy_fn", Protocol: "tcp", FromPort: 5432, ToPort: 5432, PeerGroups: []string{fnSG}}},
		Egress:  []model.SGRule{{Address: "aws_vpc_security_group_egress_rule.proxy_db", Protocol: "tcp", FromPort: 5432, ToPort: 5432, PeerGroups: []string{dbSG}}}})
	for i := range m.SecurityGroups {
		g := &m.SecurityGroups[i]
		switch g.Address {
		case dbSG:
			if dbAdmitsProxy {
				g.Ingress = append(g.Ingress, model.SGRule{Address: "aws_vpc_security_group_ingress_rule.db_proxy", Protocol: "tcp", FromPort: 5432, ToPort: 5432, PeerGroups: []string{proxySG}})
			}
		case fnSG:
			g.Egress = append(g.Egress, model.SGRule{Address: "aws_vpc_security_group_egress_rule.fn_proxy", Protocol: "tcp", FromPort: 5432, ToPort: 5432, PeerGroups: []string{proxySG}})
		}
	}
	return m
}

// The RDS Proxy is a pooling process in its own namespace: its pooled
// connections, through its security groups, are what keep the database
// awake, and the sentinel names the proxy as their holder.
func TestLabRDSProxyPoolKeepsTheDatabaseAwake(t *testing.T) {
	needRoot(t)
	l, err := Up(context.Background(), withProxy(true), testOpts(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	px := l.Topo.Node("aws_db_proxy.p")
	if px == nil || px.Kind != KindProxy || px.NS == l.Topo.DB().NS {
		t.Fatalf("proxy node %+v; want its own namespace", px)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// Several pause delays pass: the pool's connection holds it awake.
	werr := waitPausedFor(ctx, l, 3*time.Second)
	if werr == nil || !strings.Contains(werr.Error(), "held open by aws_db_proxy.p") {
		t.Fatalf("wait paused: %v; want the proxy's held connection named", werr)
	}
	if st := l.sentinel().State(); len(st.Holders) != 1 || st.Holders[0] != "aws_db_proxy.p" {
		t.Fatalf("holders %v; want the proxy", st.Holders)
	}

	// A client in the control namespace goes through the proxy; two
	// sessions run on the same pooled server connection, and the database
	// sees no new connection for them.
	attempts := l.sentinel().State().Attempts
	ctl := l.Topo.Node("aws_lambda_function.control")
	var pids []uint32
	for range 2 {
		cfg, _ := pgx.ParseConfig(fmt.Sprintf("host=%s port=%d user=%s dbname=postgres sslmode=prefer connect_timeout=5", px.IP, px.Port, l.PG.User))
		cfg.Password = l.PG.Password
		cfg.DialFunc = dialFrom(ctl.NS)
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err != nil {
			t.Fatalf("connect through the proxy: %v", err)
		}
		var pid uint32
		if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
			t.Fatal(err)
		}
		pids = append(pids, pid)
		conn.Close(ctx)
		// Close returns before the proxy has reset the server connection
		// and put it back; a client arriving meanwhile would get a new one.
		time.Sleep(500 * time.Millisecond)
	}
	if pids[0] != pids[1] {
		t.Errorf("sessions ran on backends %v; want one pooled server connection", pids)
	}
	if got := l.sentinel().State().Attempts; got != attempts {
		t.Errorf("the database saw %d new connection(s) for two proxied sessions; want none (pooled)", got-attempts)
	}
}

// When the DB's security group does not admit the proxy, its pool cannot
// open and the database pauses: the held connection is observed, not
// assumed from the model.
func TestLabRDSProxyBlockedBySecurityGroupsDoesNotHold(t *testing.T) {
	needRoot(t)
	l, err := Up(context.Background(), withProxy(false), testOpts(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := waitPausedFor(ctx, l, 6*time.Second); err != nil {
		t.Fatalf("the DB SG does not admit the proxy, so nothing holds the DB: %v", err)
	}
}

func waitPausedFor(ctx context.Context, l *Lab, d time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return l.WaitPaused(ctx)
}
