package plan

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode"

	tfjson "github.com/hashicorp/terraform-json"
)

// Aliases without methods: tfjson's own UnmarshalJSON re-parses the value
// and rejects format versions it does not know. We validate ourselves, so an
// unknown format_version becomes a warning instead of a failure.
type (
	rawState  tfjson.State
	rawConfig tfjson.Config
)

// topKeys records which top-level keys a document had; it tells a plan from
// a state file.
type topKeys struct {
	values, plannedValues, resourceChanges, configuration bool
	lineage, resources, serial                            bool
	errored                                               bool
}

// decode walks the top-level object key by key, so the JSON decoder buffers
// one top-level value at a time rather than the whole file.
func decode(source string, r io.Reader, loc locator) (*Plan, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 1<<20)
	}
	if err := sniff(source, br); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(br)
	if _, err := dec.Token(); err != nil { // the opening '{', checked by sniff
		return nil, syntaxErr(source, err, loc, 0)
	}
	doc := &tfjson.Plan{}
	var keys topKeys
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxErr(source, err, loc, 0)
		}
		key, _ := tok.(string)
		start := dec.InputOffset()
		if err := decodeField(dec, doc, &keys, key); err != nil {
			// Type error offsets count from the value's start.
			return nil, fieldErr(source, key, err, loc, start)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, syntaxErr(source, err, loc, 0)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, inputErr(source, err, "unexpected data after the plan object: pass one plan JSON document")
	}
	p := &Plan{Source: source, Doc: doc}
	if err := validate(p, keys); err != nil {
		return nil, err
	}
	return p, nil
}

func decodeField(dec *json.Decoder, doc *tfjson.Plan, keys *topKeys, key string) error {
	switch key {
	case "format_version":
		return dec.Decode(&doc.FormatVersion)
	case "terraform_version":
		return dec.Decode(&doc.TerraformVersion)
	case "variables":
		return dec.Decode(&doc.Variables)
	case "planned_values":
		keys.plannedValues = true
		return dec.Decode(&doc.PlannedValues)
	case "resource_drift":
		return dec.Decode(&doc.ResourceDrift)
	case "resource_changes":
		keys.resourceChanges = true
		return dec.Decode(&doc.ResourceChanges)
	case "deferred_changes":
		return dec.Decode(&doc.DeferredChanges)
	case "complete":
		return dec.Decode(&doc.Complete)
	case "output_changes":
		return dec.Decode(&doc.OutputChanges)
	case "prior_state":
		var s *rawState
		if err := dec.Decode(&s); err != nil {
			return err
		}
		doc.PriorState = (*tfjson.State)(s)
		return nil
	case "configuration":
		keys.configuration = true
		var c *rawConfig
		if err := dec.Decode(&c); err != nil {
			return err
		}
		doc.Config = (*tfjson.Config)(c)
		return nil
	case "relevant_attributes":
		return dec.Decode(&doc.RelevantAttributes)
	case "checks":
		return dec.Decode(&doc.Checks)
	case "timestamp":
		return dec.Decode(&doc.Timestamp)
	case "errored":
		return dec.Decode(&keys.errored)
	case "values":
		keys.values = true
	case "lineage":
		keys.lineage = true
	case "resources":
		keys.resources = true
	case "serial":
		keys.serial = true
	}
	// Keys we do not use (applyable, action_invocations, newer additions):
	// consume and drop them.
	var skip json.RawMessage
	return dec.Decode(&skip)
}

const planHowTo = "run `terraform plan -out tfplan && terraform show -json tfplan`"

func validate(p *Plan, k topKeys) error {
	doc := p.Doc
	isPlan := k.plannedValues || k.resourceChanges
	if !isPlan && (k.values || k.lineage || (k.resources && k.serial)) {
		return inputErr(p.Source, nil, "this is a state file, not a plan; %s", planHowTo)
	}
	if doc.FormatVersion == "" {
		return inputErr(p.Source, nil, "not a terraform plan: format_version is missing; %s", planHowTo)
	}
	if !isPlan && !k.configuration {
		return inputErr(p.Source, nil, "not a terraform plan: no planned_values, resource_changes or configuration; %s", planHowTo)
	}
	if k.errored {
		return inputErr(p.Source, nil, "the plan errored; fix the terraform errors first (terraform plan shows them)")
	}
	major, _, _ := strings.Cut(doc.FormatVersion, ".")
	if m, err := strconv.Atoi(major); err != nil || m > 1 {
		p.Warnings = append(p.Warnings, fmt.Sprintf("plan format_version %q is not one letsleep knows (0.x or 1.x); read on best effort", doc.FormatVersion))
	}
	return nil
}

// sniff looks at the first meaningful byte to give a precise message for
// inputs that are not a JSON object.
func sniff(source string, br *bufio.Reader) error {
	// Skip a UTF-8 byte order mark and leading white space.
	if b, _ := br.Peek(3); bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	line, col := 1, 1
	for {
		b, err := br.Peek(1)
		if err != nil || len(b) == 0 {
			return inputErr(source, nil, "empty file: pass the output of `terraform show -json tfplan`")
		}
		if b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n' {
			if b[0] == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
			_, _ = br.Discard(1)
			continue
		}
		break
	}
	head, _ := br.Peek(64)
	c := head[0]
	switch {
	case c == '{':
		return nil
	case c == '[':
		return inputErr(source, nil, "expected a JSON object from `terraform show -json`, got an array")
	case c == '"' || c == '-' || (c >= '0' && c <= '9') || bytes.HasPrefix(head, []byte("true")) ||
		bytes.HasPrefix(head, []byte("false")) || bytes.HasPrefix(head, []byte("null")):
		return inputErr(source, nil, "expected a JSON object from `terraform show -json`, got a scalar")
	case looksLikeHCL(head):
		return inputErr(source, nil, "this is Terraform configuration (HCL), not a plan; pass its directory, or %s", planHowTo)
	}
	r := []rune(string(head))
	return inputErr(source, nil, "not JSON: invalid character %q at line %d, column %d; pass the output of `terraform show -json tfplan`", r[0], line, col)
}

var hclStarts = []string{"resource", "data", "module", "provider", "variable", "output", "locals", "terraform", "#", "//", "/*", "moved", "import", "check", "removed"}

func looksLikeHCL(head []byte) bool {
	s := string(head)
	for _, w := range hclStarts {
		if !strings.HasPrefix(s, w) {
			continue
		}
		if !unicode.IsLetter(rune(w[0])) {
			return true
		}
		rest := strings.TrimLeft(s[len(w):], " \t")
		if rest != "" && (rest[0] == '"' || rest[0] == '{') {
			return true
		}
	}
	return false
}

func syntaxErr(source string, err error, loc locator, start int64) error {
	return fieldErr(source, "", err, loc, start)
}

// fieldErr turns a decoder error into an input error with a position (line
// and column) or a JSON path, plus what to do.
func fieldErr(source, key string, err error, loc locator, start int64) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, errTooLarge):
		return err // the caller reports the size
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return inputErr(source, err, "truncated JSON: the file ends before the plan is complete (was it cut off?); %s again", planHowTo)
	case errors.As(err, &syn):
		if strings.Contains(syn.Error(), "exceeded max depth") {
			return inputErr(source, err, "JSON nesting is too deep (over 10000 levels): this is not a terraform plan")
		}
		line, col := loc.syntax()
		return inputErr(source, err, "not valid JSON at line %d, column %d: %s; pass the output of `terraform show -json tfplan`", line, col, syn.Error())
	case errors.As(err, &typ):
		path := key
		if typ.Field != "" && !strings.HasPrefix(typ.Field, key) {
			path = key + "." + typ.Field
		} else if typ.Field != "" {
			path = typ.Field
		}
		line, col := loc.at(start + typ.Offset)
		return inputErr(source, err, "unexpected JSON at %s (line %d, column %d): got %s, want %s; is this the output of `terraform show -json`?", path, line, col, typ.Value, typ.Type)
	}
	return inputErr(source, err, "cannot decode plan JSON: %v", err)
}

// lineCol converts a 0-based byte index into a 1-based line and column.
func lineCol(data []byte, idx int64) (int, int) {
	if idx > int64(len(data)) {
		idx = int64(len(data))
	}
	if idx < 0 {
		idx = 0
	}
	before := data[:idx]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := int(idx) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// syntaxIndex re-validates data to find the 0-based index of the byte that
// broke the JSON. Only called on the error path: the streaming decoder's
// offsets are relative to buffers, not to the file.
func syntaxIndex(data []byte) int64 {
	var raw json.RawMessage
	var syn *json.SyntaxError
	if err := json.Unmarshal(data, &raw); errors.As(err, &syn) {
		return syn.Offset - 1
	}
	return int64(len(data))
}

// fileLocator places errors in a file; it reads the file only when asked.
type locator struct {
	data func() []byte
}

func (l locator) at(idx int64) (int, int) { return lineCol(l.data(), idx) }

func (l locator) syntax() (int, int) {
	d := l.data()
	return lineCol(d, syntaxIndex(d))
}

func fileData(path string, limit int64) func() []byte {
	return func() []byte {
		f, err := os.Open(path)
		if err != nil {
			return nil
		}
		defer f.Close()
		data, _ := io.ReadAll(io.LimitReader(f, limit))
		return bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	}
}
