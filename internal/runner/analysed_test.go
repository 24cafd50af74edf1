package runner

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/report"
)

// "No findings" must never hide "nothing was read": the summary counts what
// was analysed, and a plan with no AWS resources says so in the warnings.
func TestSummaryStatesWhatWasAnalysed(t *testing.T) {
	cases := []struct {
		file     string
		analysed report.Analysed
		notice   string
	}{
		{"empty.json", report.Analysed{NotRead: map[string]int{}}, "the plan holds no managed resources"},
		{"other-providers.json", report.Analysed{Resources: 3, NotRead: map[string]int{"google": 1, "azurerm": 1, "null": 1}}, "the plan holds no AWS resources (azurerm (1), google (1), null (1))"},
	}
	for _, c := range cases {
		rep, err := Check(context.Background(), Options{Paths: []string{filepath.Join("testdata", "analysed", c.file)}})
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if !reflect.DeepEqual(rep.Summary.Analysed, c.analysed) {
			t.Errorf("%s: analysed = %+v, want %+v", c.file, rep.Summary.Analysed, c.analysed)
		}
		found := false
		for _, w := range rep.Warnings {
			if w.Kind == "nothing-analysed" && strings.Contains(w.Message, c.notice) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no nothing-analysed warning containing %q in %+v", c.file, c.notice, rep.Warnings)
		}
	}
}

func TestSummaryCountsAnAWSStack(t *testing.T) {
	rep, err := Check(context.Background(), Options{Paths: []string{filepath.Join(dynvpc, "plan.json")}})
	if err != nil {
		t.Fatal(err)
	}
	a := rep.Summary.Analysed
	if a.Functions == 0 || a.Databases == 0 || a.SecurityGroups == 0 || a.Roles == 0 || a.AWSResources == 0 || a.AWSResources > a.Resources {
		t.Errorf("analysed = %+v: a stack with functions, a database, groups and roles", a)
	}
	for _, w := range rep.Warnings {
		if w.Kind == "nothing-analysed" {
			t.Errorf("an AWS stack got %+v", w)
		}
	}
	if got := a.String(); !strings.HasPrefix(got, "analysed: ") || !strings.Contains(got, "1 function, 1 database") {
		t.Errorf("summary line %q", got)
	}
}

// A mixed plan reads its AWS part and names the cloud providers it did not
// read; generated values (random, null…) need no notice.
func TestNotReadProvidersAreNamed(t *testing.T) {
	if got := providerOf("google_compute_instance", "registry.terraform.io/hashicorp/google"); got != "google" {
		t.Errorf("providerOf = %q", got)
	}
	if got := providerOf("aws_instance", "registry.terraform.io/hashicorp/aws.west"); got != "aws" {
		t.Errorf("aliased providerOf = %q", got)
	}
	if got := providerOf("azurerm_resource_group", ""); got != "azurerm" {
		t.Errorf("providerOf from type = %q", got)
	}
}
