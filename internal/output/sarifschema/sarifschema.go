// Package sarifschema validates SARIF output against the vendored OASIS
// SARIF 2.1.0 schema (SARIF-SCHEMA-SOURCE.md says where it comes from).
// Only tests import it, so the schema stays out of the letsleep binary.
package sarifschema

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed sarif-schema-2.1.0.json
var schemaJSON []byte

var (
	once    sync.Once
	schema  *jsonschema.Schema
	loadErr error
)

// Schema is the compiled SARIF 2.1.0 schema, compiled once.
func Schema() (*jsonschema.Schema, error) {
	once.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
		if err != nil {
			loadErr = fmt.Errorf("read the SARIF schema: %w", err)
			return
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
			loadErr = err
			return
		}
		schema, loadErr = c.Compile("sarif-schema-2.1.0.json")
	})
	return schema, loadErr
}

// Validate checks one SARIF document.
func Validate(data []byte) error {
	sch, err := Schema()
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("SARIF is not JSON: %w", err)
	}
	if err := sch.Validate(inst); err != nil {
		return fmt.Errorf("SARIF does not validate against 2.1.0: %w", err)
	}
	return nil
}
