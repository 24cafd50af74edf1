package report

import "testing"

func TestInModuleNamesTheCallsSourceAndVersion(t *testing.T) {
	call := &Location{File: "stack/main.tf", StartLine: 10, EndLine: 20}
	l := &Location{File: "../.terraform/modules/lam/main.tf", StartLine: 24, EndLine: 168, Call: call,
		ModuleSource: "terraform-aws-modules/lambda/aws", ModuleVersion: "7.20.1", ModuleFile: "main.tf"}
	if got, want := l.InModule(), `in module source "terraform-aws-modules/lambda/aws" (version 7.20.1), main.tf:24-168`; got != want {
		t.Errorf("InModule = %q, want %q", got, want)
	}
	l.ModuleVersion = ""
	if got, want := l.InModule(), `in module source "terraform-aws-modules/lambda/aws", main.tf:24-168`; got != want {
		t.Errorf("InModule without a version = %q, want %q", got, want)
	}
}
