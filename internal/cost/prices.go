package cost

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/letsleep/letsleep/internal/readlimit"
)

//go:embed prices.yaml
var embeddedPrices []byte

// ErrInput marks a bad --prices file or an unknown region; the CLI exits 2.
var ErrInput = errors.New("cost input error")

func inputErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInput, fmt.Sprintf(format, args...))
}

// PriceTable is the embedded table, or a --prices file of the same shape.
type PriceTable struct {
	Source  string                  `yaml:"source"`
	Taken   string                  `yaml:"taken"`
	Regions map[string]RegionPrices `yaml:"regions"`
}

// RegionPrices holds the hourly USD prices of one region.
type RegionPrices struct {
	NATGatewayHour          float64                  `yaml:"nat_gateway_hour"`
	InterfaceEndpointAZHour float64                  `yaml:"interface_endpoint_az_hour"`
	AuroraACUHour           float64                  `yaml:"aurora_acu_hour"`
	ProxyVCPUHour           float64                  `yaml:"proxy_vcpu_hour"`
	ProxyACUHour            float64                  `yaml:"proxy_acu_hour"`
	SmallRDS                SmallInstance            `yaml:"small_rds"`
	Instances               map[string]InstancePrice `yaml:"instances"`
	Unconfirmed             []string                 `yaml:"unconfirmed"`
}

// SmallInstance is the small always-on RDS instance the decision rule
// compares with.
type SmallInstance struct {
	Class string  `yaml:"class"`
	Hour  float64 `yaml:"hour"`
}

// InstancePrice is the hourly price and vCPU count of a DB instance class.
type InstancePrice struct {
	Hour float64 `yaml:"hour"`
	VCPU int     `yaml:"vcpu"`
}

// DefaultPrices returns the embedded table.
func DefaultPrices() (*PriceTable, error) {
	t, err := parsePrices("embedded prices.yaml", embeddedPrices)
	if err != nil {
		return nil, fmt.Errorf("embedded price table is broken: %w", err)
	}
	return t, nil
}

// LoadPrices reads a --prices file. Its regions replace the embedded ones of
// the same name; other embedded regions stay available.
func LoadPrices(path string) (*PriceTable, error) {
	data, err := readlimit.ReadFile(path, readlimit.Prices)
	if errors.Is(err, readlimit.ErrTooLarge) {
		return nil, fmt.Errorf("%w: %w", ErrInput, err)
	}
	if err != nil {
		return nil, inputErrorf("%s: cannot read the price file: %v", path, err)
	}
	if data, err = readlimit.UTF8(path, data); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInput, err)
	}
	override, err := parsePrices(path, data)
	if err != nil {
		return nil, err
	}
	base, err := DefaultPrices()
	if err != nil {
		return nil, err
	}
	for name, r := range override.Regions {
		base.Regions[name] = r
	}
	base.Source = fmt.Sprintf("%s (regions %s) over the embedded table", path, strings.Join(slices.Sorted(maps.Keys(override.Regions)), ", "))
	if override.Taken != "" {
		base.Taken = override.Taken
	}
	return base, nil
}

func parsePrices(name string, data []byte) (*PriceTable, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var t PriceTable
	if err := dec.Decode(&t); err != nil {
		return nil, inputErrorf("%s: %s: use the shape of the embedded table (regions: {REGION: {nat_gateway_hour: ..., ...}})", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(t.Regions) == 0 {
		return nil, inputErrorf("%s: no `regions:` with prices", name)
	}
	for _, region := range slices.Sorted(maps.Keys(t.Regions)) {
		if err := t.Regions[region].validate(); err != nil {
			return nil, inputErrorf("%s: region %s: %v", name, region, err)
		}
	}
	return &t, nil
}

func (r RegionPrices) validate() error {
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"nat_gateway_hour", r.NATGatewayHour},
		{"interface_endpoint_az_hour", r.InterfaceEndpointAZHour},
		{"aurora_acu_hour", r.AuroraACUHour},
		{"proxy_vcpu_hour", r.ProxyVCPUHour},
		{"proxy_acu_hour", r.ProxyACUHour},
		{"small_rds.hour", r.SmallRDS.Hour},
	} {
		if !positive(f.v) {
			return fmt.Errorf("%s must be a positive hourly USD price (got %v)", f.name, f.v)
		}
	}
	if r.SmallRDS.Class == "" {
		return fmt.Errorf("small_rds.class is missing: name the instance class, e.g. db.t4g.micro")
	}
	for _, class := range slices.Sorted(maps.Keys(r.Instances)) {
		p := r.Instances[class]
		if !positive(p.Hour) || p.VCPU <= 0 {
			return fmt.Errorf("instance %s needs a positive hour price and vcpu count", class)
		}
	}
	return nil
}

// Region returns the prices of one region, or an error listing those known.
func (t *PriceTable) Region(name string) (RegionPrices, error) {
	r, ok := t.Regions[name]
	if !ok {
		return RegionPrices{}, inputErrorf("no prices for region %q: use one of %s, or give --prices FILE", name, strings.Join(slices.Sorted(maps.Keys(t.Regions)), ", "))
	}
	return r, nil
}

// positive is false for zero, negatives, NaN and infinity (YAML's .nan and
// .inf decode into a float64 without complaint).
func positive(v float64) bool { return v > 0 && !math.IsInf(v, 1) }
