package runner

import (
	"fmt"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/report"
)

// localProviders manage nothing in a cloud (generated values, local files,
// waits): resources of theirs are counted as not read, but need no notice.
var localProviders = map[string]bool{
	"random": true, "null": true, "time": true, "tls": true, "local": true,
	"archive": true, "terraform": true, "external": true, "http": true, "cloudinit": true,
}

// census counts one plan's managed resources by provider. It is taken
// before the policies run, so that the plan's typed document can be
// dropped by then (see Analyze).
type census struct {
	total, aws int
	other      map[string]int // resources of other providers, by provider
}

func takeCensus(p *plan.Plan) census {
	c := census{other: map[string]int{}}
	count := func(typ, providerName string) {
		c.total++
		if name := providerOf(typ, providerName); name == "aws" {
			c.aws++
		} else {
			c.other[name]++
		}
	}
	if p.Doc != nil {
		for _, rc := range p.Doc.ResourceChanges {
			if rc == nil || rc.Mode != tfjson.ManagedResourceMode || (rc.Change != nil && rc.Change.Actions.Delete() && !rc.Change.Actions.Create()) {
				continue
			}
			count(rc.Type, rc.ProviderName)
		}
		if len(p.Doc.ResourceChanges) == 0 && p.Doc.PlannedValues != nil {
			walkManaged(p.Doc.PlannedValues.RootModule, 0, count)
		}
	}
	return c
}

// addAnalysed adds one plan's census and model to the summary counts, and
// returns the notices a reader needs when letsleep read little or nothing
// of it.
func addAnalysed(a *report.Analysed, source string, c census, m *model.Model) []report.Notice {
	total, aws, other := c.total, c.aws, c.other
	a.Resources += total
	a.AWSResources += aws
	a.Functions += len(m.Functions)
	a.Databases += len(m.Databases)
	a.SecurityGroups += len(m.SecurityGroups)
	a.Roles += len(m.Roles)
	if a.NotRead == nil {
		a.NotRead = map[string]int{}
	}
	for k, n := range other {
		a.NotRead[k] += n
	}
	var notices []report.Notice
	switch {
	case total == 0:
		notices = append(notices, report.Notice{Kind: "nothing-analysed", Source: source, Message: "the plan holds no managed resources: nothing was analysed, so no finding means nothing, not a clean stack"})
	case aws == 0:
		notices = append(notices, report.Notice{Kind: "nothing-analysed", Source: source, Message: fmt.Sprintf("the plan holds no AWS resources (%s): letsleep reads only the AWS provider, so nothing was analysed", report.ProviderList(other))})
	default:
		cloud := map[string]int{}
		for k, n := range other {
			if !localProviders[k] {
				cloud[k] = n
			}
		}
		if len(cloud) > 0 {
			notices = append(notices, report.Notice{Kind: "not-read", Source: source, Message: fmt.Sprintf("resources of providers letsleep does not read were not analysed: %s; a path through them is not seen", report.ProviderList(cloud))})
		}
	}
	return notices
}

// providerOf names a resource's provider: the last part of its provider
// address when the plan gives one, else the prefix of its type.
func providerOf(typ, providerName string) string {
	if providerName != "" {
		name := providerName[strings.LastIndex(providerName, "/")+1:]
		if i := strings.IndexByte(name, '.'); i >= 0 { // aliased: "aws.west"
			name = name[:i]
		}
		if name != "" {
			return name
		}
	}
	if i := strings.IndexByte(typ, '_'); i > 0 {
		return typ[:i]
	}
	return typ
}

func walkManaged(mod *tfjson.StateModule, depth int, fn func(typ, providerName string)) {
	if mod == nil || depth > 64 {
		return
	}
	for _, r := range mod.Resources {
		if r != nil && r.Mode == tfjson.ManagedResourceMode {
			fn(r.Type, r.ProviderName)
		}
	}
	for _, c := range mod.ChildModules {
		walkManaged(c, depth+1, fn)
	}
}
