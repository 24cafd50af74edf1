//go:build linux

package lab

import (
	"context"
	"fmt"

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

// UpFromPlan builds the model of path and brings a lab up for it.
func UpFromPlan(ctx context.Context, path string, cfg model.Config, opts Options) (*Lab, error) {
	m, err := LoadModel(ctx, path, cfg)
	if err != nil {
		return nil, err
	}
	if opts.Source == "" {
		opts.Source = path
	}
	return Up(ctx, m, opts)
}
