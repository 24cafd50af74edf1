// Package tenantmodel builds the boundary model of the plan generator's
// wildcard tenants, for the tests of the tools that read target sets. It
// is apart from plangen because the model's own tests import plangen.
package tenantmodel

import (
	"bytes"
	"fmt"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/plangen"
)

// Build is the model of n wildcard tenants (plangen.WriteWildcardTenants).
func Build(n int, seed uint64) (*model.Model, error) {
	var buf bytes.Buffer
	st, err := plangen.WriteWildcardTenants(&buf, n, seed)
	if err != nil {
		return nil, err
	}
	if st.Replicas != n || st.ResourceChanges != plangen.WildcardResources*n {
		return nil, fmt.Errorf("wildcard tenants: %d replicas and %d changes, want %d and %d", st.Replicas, st.ResourceChanges, n, plangen.WildcardResources*n)
	}
	p, err := plan.FromBytes("wild.json", buf.Bytes(), plan.Options{})
	if err != nil {
		return nil, err
	}
	return model.Build(p, model.Config{})
}
