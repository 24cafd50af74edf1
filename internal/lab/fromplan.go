//go:build linux

package lab

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/letsleep/letsleep/internal/labiam"
	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/plan"
)

// LoadModel loads a plan (JSON, binary plan or terraform directory) and
// builds its boundary model, the lab's input.
func LoadModel(ctx context.Context, path string, cfg model.Config) (*model.Model, error) {
	p, err := plan.Load(ctx, path, plan.Options{})
	if err != nil {
		return nil, err
	}
	m, err := model.Build(p, cfg)
	if err != nil {
		return nil, fmt.Errorf("build model for %s: %w", path, err)
	}
	return m, nil
}

// UpFromPlan builds the model of path and the lab's own IAM for it, and
// brings a lab up for it.
func UpFromPlan(ctx context.Context, path string, cfg model.Config, opts Options) (*Lab, error) {
	p, err := plan.Load(ctx, path, plan.Options{})
	if err != nil {
		return nil, err
	}
	m, err := model.Build(p, cfg)
	if err != nil {
		return nil, fmt.Errorf("build model for %s: %w", path, err)
	}
	if opts.IAM == nil {
		if opts.IAM, err = LoadIAM(path, p.Doc); err != nil {
			return nil, err
		}
	}
	if opts.Source == "" {
		opts.Source = path
	}
	return Up(ctx, m, opts)
}

// LoadIAM reads the lab's IAM from a plan: from the JSON file itself when
// path is one (the lab's own reading, independent of the checker's
// loader), else from the plan document terraform show gave the loader.
func LoadIAM(path string, doc *tfjson.Plan) (*labiam.Account, error) {
	if raw, err := os.ReadFile(path); err == nil && json.Valid(raw) {
		acct, err := labiam.Read(raw, labiam.Options{Region: labRegion, DefaultAccount: labAccount})
		if err != nil {
			return nil, fmt.Errorf("lab iam for %s: %w", path, err)
		}
		return acct, nil
	}
	if doc == nil {
		return nil, fmt.Errorf("lab iam for %s: no plan document", path)
	}
	return labiam.FromPlan(doc, labiam.Options{Region: labRegion, DefaultAccount: labAccount})
}
