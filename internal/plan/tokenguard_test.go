package plan

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

// A plan file whose token outgrows the streaming bound is not streamed on
// (the tokenizer would hold the token in a doubling buffer): the stream
// stops with errHugeToken and Load tokenizes the whole file in place,
// with the same result as a plan of small tokens.
func TestHugeTokenIsReadInPlace(t *testing.T) {
	defer func(old int64) { maxStreamedToken = old }(maxStreamedToken)
	maxStreamedToken = 4 << 10

	big := strings.Repeat("b", 64<<10)
	doc := `{"format_version":"1.2","terraform_version":"1.11.4","planned_values":{"root_module":{}},` +
		`"resource_changes":[{"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b",` +
		`"provider_name":"registry.terraform.io/hashicorp/aws","change":{"actions":["create"],"after":{"bucket":"` + big + `"},"after_unknown":{}}}]}`
	path := writeFile(t, "plan.json", doc)

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := streamDecode(path, f, int64(len(doc)), nil); !errors.Is(err, errHugeToken) {
		t.Fatalf("streaming a %d-byte token under a %d-byte bound: got %v, want errHugeToken", len(big), maxStreamedToken, err)
	}

	p, err := Load(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rcs := p.Doc.ResourceChanges
	if len(rcs) != 1 || rcs[0].Change.After.(map[string]any)["bucket"] != big {
		t.Fatalf("the plan read in place lost its value: %d changes", len(rcs))
	}
}

// Small tokens stream under the same bound: the guard counts what the
// tokenizer holds, not the size of the file.
func TestSmallTokensStreamPastTheBound(t *testing.T) {
	defer func(old int64) { maxStreamedToken = old }(maxStreamedToken)
	maxStreamedToken = 4 << 10

	var b strings.Builder
	b.WriteString(`{"format_version":"1.2","terraform_version":"1.11.4","planned_values":{"root_module":{}},"resource_changes":[`)
	for i := range 2000 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b","provider_name":"registry.terraform.io/hashicorp/aws","change":{"actions":["create"],"after":{"bucket":"b"},"after_unknown":{}}}`)
	}
	b.WriteString("]}")
	doc := b.String()
	path := writeFile(t, "plan.json", doc)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := streamDecode(path, f, int64(len(doc)), nil)
	if err != nil {
		t.Fatalf("a %d-byte plan of small tokens did not stream: %v", len(doc), err)
	}
	if n := len(p.Doc.ResourceChanges); n != 2000 {
		t.Fatalf("%d resource changes, want 2000", n)
	}
}
