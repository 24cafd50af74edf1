package model

import "testing"

// holds must answer as a walk over the databases in order would: the
// first database whose password the value carries wins, and at the same
// database a shared source wins over an equal value.
func TestHoldsFirstDatabaseWins(t *testing.T) {
	list := []passwordSource{
		{db: "a", keys: map[string]bool{"random_password.a": true}},
		{db: "b", value: "s3cr3t-b-value", keys: map[string]bool{"random_password.shared": true}},
		{db: "c", value: `quo"ted-password`, keys: map[string]bool{"random_password.shared": true, "|var.c": true}},
	}
	pws := passwordsOf(list)
	cases := []struct {
		name, value string
		keys        []string
		db, why     string
	}{
		{"nothing", "unrelated value", []string{"random_password.z"}, "", ""},
		{"source", "", []string{"random_password.a"}, "a", "takes its value from random_password.a, as the master password does"},
		{"shared source: first database", "", []string{"|var.c", "random_password.shared"}, "b", "takes its value from random_password.shared, as the master password does"},
		{"value before a later source", "x s3cr3t-b-value y", []string{"|var.c"}, "b", "holds the same value as the master password"},
		{"source before a later value", "x quo\"ted-password", []string{"random_password.a"}, "a", "takes its value from random_password.a, as the master password does"},
		{"same database: source over value", "s3cr3t-b-value", []string{"random_password.shared"}, "b", "takes its value from random_password.shared, as the master password does"},
		{"escaped value", `{"p":"quo\"ted-password"}`, nil, "c", "holds the same value as the master password"},
		{"variable key names the variable", "", []string{"|var.c"}, "c", "takes its value from var.c, as the master password does"},
	}
	for _, c := range cases {
		db, why := holds(pws, c.value, c.keys)
		if db != c.db || why != c.why {
			t.Errorf("%s: holds = %q, %q; want %q, %q", c.name, db, why, c.db, c.why)
		}
	}
	if db, _ := holds(passwordsOf(nil), "s3cr3t-b-value", []string{"random_password.a"}); db != "" {
		t.Errorf("no databases: holds = %q, want none", db)
	}
}
