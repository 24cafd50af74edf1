package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/letsleep/letsleep/internal/cost"
	"github.com/letsleep/letsleep/internal/runner"
)

// NewCostCommand builds `letsleep cost PLAN`.
func NewCostCommand() *cobra.Command {
	var (
		opts       runner.Options
		format     string
		outFile    string
		region     string
		pricesFile string
		awakeHours float64
		timeout    time.Duration
	)
	cmd := &cobra.Command{
		Use:   "cost PLAN",
		Short: "Estimate the monthly idle floor (zero traffic) and compare sleep-first with always-on",
		Long: `Estimate what the plan bills per month with zero traffic: NAT gateway hours,
RDS Proxy, interface VPC endpoints per AZ, Aurora minimum ACU-hours when the
minimum is above 0, and provisioned instance hours. Compares the plan with
the sleep-first shape (min 0, no NAT, no proxy) and the always-on shape.

--awake-hours N applies the decision rule: under ~100 h/month keep min 0 with
wake-ahead; 100-250 h compare with a small always-on RDS instance; over 250 h
go always-on (or min 0.5). Prices come from an embedded per-region table
(see --prices to override), for the plan's own region unless --region is
given; every figure states its assumptions, the region's source among them.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "json" {
				return fmt.Errorf("unknown --format %q: cost supports table and json", format)
			}
			if err := checkOutput(outFile, opts, args[:1], pricesFile); err != nil {
				return err
			}
			co := cost.Options{Region: region}
			if cmd.Flags().Changed("region") {
				co.RegionFrom = "--region"
			}
			if pricesFile != "" {
				t, err := cost.LoadPrices(pricesFile)
				if err != nil {
					return err
				}
				co.Prices = t
			}
			if cmd.Flags().Changed("awake-hours") {
				co.AwakeHours = &awakeHours
			}
			opts.Progress = progressWriter(format)
			var est *cost.Estimate
			err := withDeadline(cmd.Context(), timeout, "cost", func(ctx context.Context) error {
				p, m, err := runner.BuildPlanModel(ctx, args[0], opts)
				if err != nil {
					return err
				}
				if co.RegionFrom == "" {
					co.Region, co.RegionFrom = cost.RegionOf(p.Doc)
				}
				est, err = cost.Compute(m, co)
				return err
			})
			if err != nil {
				return err
			}
			return writeTo(outFile, func(f *os.File) error { return cost.Write(f, format, est) })
		},
	}
	f := cmd.Flags()
	enumFlag(cmd, &format, "format", "table", "output format", []string{"table", "json"})
	f.StringVarP(&outFile, "output", "o", "", "write to FILE instead of stdout")
	f.StringVar(&region, "region", "", "AWS region whose prices to use (us-east-1, eu-west-1, eu-central-1, ap-northeast-1, or one from --prices); default: the plan's region (aws provider, else its ARNs and AZs), else us-east-1, said in the output")
	f.StringVar(&pricesFile, "prices", "", "YAML price table overriding the embedded one (same shape)")
	f.Float64Var(&awakeHours, "awake-hours", 0, "hours per month the database must be awake: applies the sleep-first/always-on decision rule")
	f.StringVar(&opts.ConfigFile, "config", "", "YAML boundary config mapping address patterns to function roles")
	addSourceFlags(f, &opts)
	f.DurationVar(&timeout, "timeout", 60*time.Second, "bound on the whole command")
	return cmd
}
