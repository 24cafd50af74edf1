package probe

import (
	"context"
	"fmt"
	"strings"
	"time"
)

const maxListedAddrs = 3

// checkDNS resolves the name through the configured resolver.
func checkDNS(ctx context.Context, c Check, deps Deps, timeout time.Duration) (string, string) {
	addrs, err := deps.resolver().LookupHost(ctx, c.DNSName)
	if err != nil {
		return classifyNet(err, timeout)
	}
	shown := addrs[:min(len(addrs), maxListedAddrs)]
	detail := "resolved to " + strings.Join(shown, ", ")
	if len(addrs) > len(shown) {
		detail += fmt.Sprintf(" (+%d more)", len(addrs)-len(shown))
	}
	return OutcomeReachable, detail
}
