//go:build linux

package lab

import (
	"context"
	"fmt"
	"net"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// DataAPISource is the name the sentinel gives a connection the Data API
// opened.
const DataAPISource = "rds-data-api"

// dataAPIAddr is the Data API's own address, on the loopback of the
// database's namespace: the Data API reaches the cluster from the AWS side,
// not through the VPC's security groups, and its connections stay
// attributable.
const dataAPIAddr = "10.213.255.2"

// dataAPI runs ExecuteStatement as the RDS Data API does: only on a cluster
// whose HTTP endpoint is on, with the credentials of the secret, as a
// real PostgreSQL session through the sentinel (so a paused cluster resumes).
type dataAPI struct{ l *Lab }

// ExecuteStatement runs sql on the database at the model address db.
func (d dataAPI) ExecuteStatement(ctx context.Context, db, sql string) error {
	m := d.l.database(db)
	n := d.l.Topo.Node(db)
	if m == nil || n == nil {
		return fmt.Errorf("data api: %s is not a database of this lab", db)
	}
	if !m.HTTPEndpoint {
		return fmt.Errorf("data api: BadRequestException: HttpEndpoint is not enabled for %s", db)
	}
	if d.l.PG == nil || n != d.l.Topo.DB() {
		return fmt.Errorf("data api: %s has no PostgreSQL in the lab (only the first database has one)", db)
	}
	cfg, err := pgx.ParseConfig(fmt.Sprintf("host=%s port=%d user=%s dbname=postgres sslmode=disable connect_timeout=10", n.IP, n.Port, d.l.PG.User))
	if err != nil {
		return err
	}
	cfg.Password = d.l.PG.Password
	cfg.DialFunc = func(ctx context.Context, _, _ string) (net.Conn, error) {
		var c net.Conn
		err := inNS(n.NS, func() error {
			dl := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(dataAPIAddr)}}
			var err error
			c, err = dl.DialContext(ctx, "tcp4", net.JoinHostPort(n.IP, strconv.Itoa(n.Port)))
			return err
		})
		return c, err
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("data api: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("data api: %w", err)
	}
	return nil
}

// startDataAPI gives the Data API its address in the database namespace.
func (l *Lab) startDataAPI(ctx context.Context) error {
	l.dataAPI = dataAPI{l: l}
	return ip(ctx, "-n", l.Topo.DB().NS, "addr", "add", dataAPIAddr+"/32", "dev", "lo")
}
