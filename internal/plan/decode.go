package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/letsleep/letsleep/internal/readlimit"
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

// rawRef holds a top-level value as a slice of the input, without a copy:
// encoding/json hands UnmarshalJSON a subslice of the buffer it decodes,
// and that buffer is ours and outlives the decode.
type rawRef []byte

func (r *rawRef) UnmarshalJSON(b []byte) error {
	*r = b
	return nil
}

// decode validates and decodes a whole plan held in data. One pass splits
// the top-level object into its values (slices of data, no copies); each
// value is then decoded into its typed field. Memory stays at the input
// plus what the typed values need: an unused key costs nothing.
func decode(source string, data []byte) (*Plan, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if err := sniff(source, data); err != nil {
		return nil, err
	}
	top, err := splitTop(data)
	if err != nil {
		// Let encoding/json name the error and its position.
		var full map[string]rawRef
		jerr := json.Unmarshal(data, &full)
		if errors.Is(err, errDeep) && jerr == nil {
			jerr = &json.SyntaxError{}
		}
		if jerr == nil {
			jerr = err
		}
		if errors.Is(err, errDeep) {
			return nil, inputErr(source, jerr, "JSON nesting is too deep (over 10000 levels): this is not a terraform plan; pass the output of `terraform show -json tfplan`")
		}
		return nil, fieldErr(source, "", jerr, data, 0)
	}
	doc := &tfjson.Plan{}
	var keys topKeys
	for _, key := range sortedKeys(top) {
		raw := top[key]
		if err := decodeField(raw, doc, &keys, key); err != nil {
			// Type error offsets count from the value's start; the value is
			// a subslice of data, so its start is the capacity difference.
			base := int64(cap(data) - cap(raw))
			var ee *elemErr
			if errors.As(err, &ee) {
				base += int64(ee.start)
				err = ee.err
			}
			return nil, fieldErr(source, key, err, data, base)
		}
	}
	p := &Plan{Source: source, Doc: doc}
	if err := validate(p, keys); err != nil {
		return nil, err
	}
	return p, nil
}

func sortedKeys(m map[string]rawRef) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func decodeField(raw []byte, doc *tfjson.Plan, keys *topKeys, key string) error {
	var dst any
	switch key {
	case "format_version":
		dst = &doc.FormatVersion
	case "terraform_version":
		dst = &doc.TerraformVersion
	case "variables":
		dst = &doc.Variables
	case "planned_values":
		keys.plannedValues = true
		dst = &doc.PlannedValues
	case "resource_drift":
		dst = &doc.ResourceDrift
	case "resource_changes":
		keys.resourceChanges = true
		return decodeChanges(raw, &doc.ResourceChanges)
	case "deferred_changes":
		dst = &doc.DeferredChanges
	case "complete":
		dst = &doc.Complete
	case "prior_state":
		var st *rawState
		if err := json.Unmarshal(raw, &st); err != nil {
			return err
		}
		doc.PriorState = (*tfjson.State)(st)
		return nil
	case "configuration":
		keys.configuration = true
		var c *rawConfig
		if err := json.Unmarshal(raw, &c); err != nil {
			return err
		}
		doc.Config = (*tfjson.Config)(c)
		return nil
	case "checks":
		dst = &doc.Checks
	case "timestamp":
		dst = &doc.Timestamp
	case "errored":
		dst = &keys.errored
	case "values":
		keys.values = true
		if !json.Valid(raw) {
			return json.Unmarshal(raw, new(any))
		}
		return nil
	case "lineage":
		keys.lineage = true
		if !json.Valid(raw) {
			return json.Unmarshal(raw, new(any))
		}
		return nil
	case "resources":
		keys.resources = true
		if !json.Valid(raw) {
			return json.Unmarshal(raw, new(any))
		}
		return nil
	case "serial":
		keys.serial = true
		if !json.Valid(raw) {
			return json.Unmarshal(raw, new(any))
		}
		return nil
	default:
		// Keys we do not use (output_changes, relevant_attributes,
		// applyable, newer additions): checked as JSON, then dropped.
		if !json.Valid(raw) {
			return json.Unmarshal(raw, new(any))
		}
		return nil
	}
	return json.Unmarshal(raw, dst)
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
func sniff(source string, data []byte) error {
	line, col, i := 1, 1, 0
	for ; i < len(data); i++ {
		c := data[i]
		if c == '\n' {
			line, col = line+1, 1
			continue
		}
		if c != ' ' && c != '\t' && c != '\r' {
			break
		}
		col++
	}
	if i == len(data) {
		return inputErr(source, nil, "empty file: pass the output of `terraform show -json tfplan`")
	}
	if _, err := readlimit.UTF8(source, data); err != nil {
		// UTF-16 or UTF-32, named as for every other input file.
		return &InputError{Source: source, Msg: strings.TrimPrefix(err.Error(), source+": "), Err: err}
	}
	head := data[i:min(len(data), i+64)]
	c := head[0]
	switch {
	case c == '{':
		return nil
	case c == '[':
		return inputErr(source, nil, "expected a JSON object from `terraform show -json`, got an array; pass the output of `terraform show -json tfplan`")
	case c == '"' || c == '-' || (c >= '0' && c <= '9') || bytes.HasPrefix(head, []byte("true")) ||
		bytes.HasPrefix(head, []byte("false")) || bytes.HasPrefix(head, []byte("null")):
		return inputErr(source, nil, "expected a JSON object from `terraform show -json`, got a scalar; pass the output of `terraform show -json tfplan`")
	case looksLikeHCL(head):
		return inputErr(source, nil, "this is Terraform configuration (HCL), not a plan; pass its directory, or %s", planHowTo)
	}
	r := []rune(string(head))
	return inputErr(source, nil, "not JSON: invalid character %q at line %d, column %d; pass the output of `terraform show -json tfplan`", r[0], line, col)
}

// shellQuote quotes a path for a command the user can paste.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
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

// fieldErr turns a decoding error into an input error with a position
// (line and column) or a JSON path, plus what to do. base is where the
// value being decoded starts in data.
func fieldErr(source, key string, err error, data []byte, base int64) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		msg := syn.Error()
		switch {
		case strings.Contains(msg, "unexpected end of JSON input"):
			return inputErr(source, err, "truncated JSON: the file ends before the plan is complete (was it cut off?); %s again", planHowTo)
		case strings.Contains(msg, "exceeded max depth"):
			return inputErr(source, err, "JSON nesting is too deep (over 10000 levels): this is not a terraform plan; pass the output of `terraform show -json tfplan`")
		case strings.Contains(msg, "after top-level value"):
			return inputErr(source, err, "unexpected data after the plan object: pass one plan JSON document")
		}
		line, col := lineCol(data, base+syn.Offset-1)
		return inputErr(source, err, "not valid JSON at line %d, column %d: %s; pass the output of `terraform show -json tfplan`", line, col, msg)
	case errors.As(err, &typ):
		path := key
		if typ.Field != "" && !strings.HasPrefix(typ.Field, key) {
			path = key + "." + typ.Field
		} else if typ.Field != "" {
			path = typ.Field
		}
		line, col := lineCol(data, base+typ.Offset-1)
		return inputErr(source, err, "unexpected JSON at %s (line %d, column %d): got %s, want %s; is this the output of `terraform show -json`?", path, line, col, typ.Value, jsonKind(typ.Type))
	}
	return inputErr(source, err, "cannot decode plan JSON: %v; pass the output of `terraform show -json tfplan`", err)
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

// jsonKind names what a Go type expects in JSON words, so messages never
// show Go type names.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "number"
	}
	return "another value"
}
