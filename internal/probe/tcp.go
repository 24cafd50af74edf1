package probe

import (
	"context"
	"net"
	"time"
)

// checkTCP opens a TCP connection and closes it at once; nothing is sent.
func checkTCP(ctx context.Context, c Check, deps Deps, timeout time.Duration) (string, string) {
	d := net.Dialer{Resolver: deps.resolver()}
	conn, err := d.DialContext(ctx, "tcp", targetOf(c))
	if err != nil {
		return classifyNet(err, timeout)
	}
	remote := conn.RemoteAddr().String()
	_ = conn.Close()
	return OutcomeReachable, "connected to " + remote
}
