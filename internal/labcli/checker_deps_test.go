//go:build linux

package labcli

import (
	"os/exec"
	"strings"
	"testing"
)

// TestCheckerDoesNotLinkTheLab keeps the lab, its PostgreSQL driver, its
// namespace library and the AWS SDK out of the checker binary, which must
// build for any OS.
func TestCheckerDoesNotLinkTheLab(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/letsleep/letsleep/cmd/letsleep").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	forbidden := []string{
		"github.com/letsleep/letsleep/internal/lab",
		"github.com/letsleep/letsleep/internal/awsbackend",
		"github.com/jackc/pgx",
		"github.com/vishvananda/",
		"github.com/google/nftables",
		"github.com/aws/aws-sdk-go-v2",
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, f := range forbidden {
			if strings.HasPrefix(dep, f) {
				t.Errorf("cmd/letsleep links %s", dep)
			}
		}
	}
}
