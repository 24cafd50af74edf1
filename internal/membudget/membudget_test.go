package membudget

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The scenarios change the process's collector settings, so each runs in a
// child process of the test binary and prints its figures as JSON.
const childEnv = "LETSLEEP_MEMBUDGET_CHILD"

func TestMain(m *testing.M) {
	if name := os.Getenv(childEnv); name != "" {
		out, err := scenarios[name]()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		_ = json.NewEncoder(os.Stdout).Encode(out)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

type result struct {
	Budget Budget
	Faults int64 // minor page faults while the scenario touched its memory
	GOGC   uint64
	Limit  uint64
}

const mib = 1 << 20

// gogcOff is how runtime/metrics reports GOGC=off: -1 as a uint64.
const gogcOff = math.MaxUint64

var scenarios = map[string]func() (result, error){
	// Touch 48 MiB of new small objects, with or without a budget first.
	"cold":  func() (result, error) { return touch(Budget{}), nil },
	"warm":  func() (result, error) { return touch(Set(64*mib, 80*mib)), nil },
	"plans": forPlans,
	// Map a 64 MiB block and count the faults the mapping itself took.
	"mapping": func() (result, error) {
		before := minorFaults()
		b := Set(64*mib, 80*mib)
		return result{Budget: b, Faults: minorFaults() - before}, nil
	},
	// A live heap past half the budget hands pacing back to the defaults.
	"overgrown": func() (result, error) {
		b := Set(8*mib, 16*mib)
		keep := allocate(12 * mib)
		runtime.GC()
		r, err := waitPacing(func(r result) bool { return r.GOGC == 100 })
		runtime.KeepAlive(keep)
		r.Budget = b
		return r, err
	},
	// A live heap under half the budget keeps the collector waiting.
	"within": func() (result, error) {
		b := Set(8*mib, 64*mib)
		keep := allocate(4 * mib)
		runtime.GC()
		time.Sleep(200 * time.Millisecond) // time for a cleanup that must not run
		r := pacing()
		runtime.KeepAlive(keep)
		r.Budget = b
		return r, nil
	},
}

func forPlans() (result, error) {
	dir, err := os.MkdirTemp("", "membudget")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(dir)
	small, big := filepath.Join(dir, "small.json"), filepath.Join(dir, "big.json")
	if err := os.WriteFile(small, []byte("{}"), 0o600); err != nil {
		return result{}, err
	}
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		return result{}, err
	}
	if err := os.Truncate(big, 20*mib); err != nil { // sparse: costs no disk
		return result{}, err
	}
	if b := ForPlans([]string{small, dir, filepath.Join(dir, "missing.json")}); b != (Budget{}) {
		return result{}, fmt.Errorf("small plans, a directory and a missing path set a budget: %+v", b)
	}
	huge := filepath.Join(dir, "huge.json")
	if err := os.WriteFile(huge, nil, 0o600); err != nil {
		return result{}, err
	}
	if err := os.Truncate(huge, 1<<30); err != nil {
		return result{}, err
	}
	r := result{Budget: ForPlans([]string{small, big})}
	if r.Budget.Limit >= maxBudget {
		return r, fmt.Errorf("a 20 MiB plan reached the cap: %+v", r.Budget)
	}
	// Set again, by the 1 GiB file: capped.
	if b := ForPlans([]string{huge}); b.Limit != maxBudget || (b.Mapped != 0 && b.Mapped >= maxBudget) {
		return result{}, fmt.Errorf("a 1 GiB plan set %+v, want the limit capped at %d and a smaller block", b, maxBudget)
	}
	debug.SetMemoryLimit(r.Budget.Limit) // back to the 20 MiB plan's budget for the checks below
	p := pacing()
	r.GOGC, r.Limit = p.GOGC, p.Limit
	return r, nil
}

// touch allocates 48 MiB in 4 KiB objects, writing each, and counts the
// page faults that took.
func touch(b Budget) result {
	before := minorFaults()
	keep := allocate(48 * mib)
	r := result{Budget: b, Faults: minorFaults() - before}
	runtime.KeepAlive(keep)
	return r
}

func allocate(n int) [][]byte {
	var keep [][]byte
	for range n / 4096 {
		b := make([]byte, 4096)
		b[0], b[4095] = 1, 1
		keep = append(keep, b)
	}
	return keep
}

func minorFaults() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Minflt
}

func pacing() result {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}, {Name: "/gc/gomemlimit:bytes"}}
	metrics.Read(s)
	return result{GOGC: s[0].Value.Uint64(), Limit: s[1].Value.Uint64()}
}

// waitPacing polls until ok (the cleanup runs on its own goroutine after
// the cycle), for at most two seconds.
func waitPacing(ok func(result) bool) (result, error) {
	deadline := time.Now().Add(2 * time.Second)
	for {
		r := pacing()
		if ok(r) {
			return r, nil
		}
		if time.Now().After(deadline) {
			return r, fmt.Errorf("pacing not restored after 2s: GOGC %d, limit %d", r.GOGC, r.Limit)
		}
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}
}

func runChild(t *testing.T, name string) result {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+name)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child %s: %v", name, err)
	}
	var r result
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("child %s printed %q: %v", name, out, err)
	}
	return r
}

func TestBudgetSavesPageFaults(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("SKIPPED: MADV_POPULATE_WRITE is Linux only; elsewhere Set only paces the collector")
	}
	cold, warm := runChild(t, "cold"), runChild(t, "warm")
	if warm.Budget.Mapped == 0 {
		t.Skip("SKIPPED: this kernel has no MADV_POPULATE_WRITE (Linux 5.14+), so no block was mapped")
	}
	t.Logf("48 MiB of new objects: %d page faults cold, %d with a budget", cold.Faults, warm.Faults)
	if cold.Faults < 48*mib/4096/2 {
		t.Fatalf("the cold run took only %d faults for 12288 new pages: the measurement is broken", cold.Faults)
	}
	if warm.Faults*4 > cold.Faults {
		t.Errorf("with a budget the same allocations took %d page faults, not under a quarter of %d", warm.Faults, cold.Faults)
	}
}

func TestForPlansSizesFromTheLargestPlan(t *testing.T) {
	r := runChild(t, "plans")
	want := int64(20 * mib * limitPerPlanByte)
	if r.Budget.Limit != want || r.Limit != uint64(want) {
		t.Errorf("a 20 MiB plan set limit %d (runtime: %d), want %d", r.Budget.Limit, r.Limit, want)
	}
	if runtime.GOOS == "linux" && r.Budget.Mapped != 0 && r.Budget.Mapped != int64(20*mib*heapPerPlanByte) {
		t.Errorf("mapped %d, want %d", r.Budget.Mapped, int64(20*mib*heapPerPlanByte))
	}
	if r.GOGC != gogcOff {
		t.Errorf("GOGC is %d under a budget, want off", r.GOGC)
	}
}

func TestPacingReturnsToDefaultsWhenTheHeapOutgrowsTheBudget(t *testing.T) {
	r := runChild(t, "overgrown")
	if r.GOGC != 100 || r.Limit != math.MaxInt64 {
		t.Errorf("12 MiB live in a 16 MiB budget left GOGC %d, limit %d; want the defaults 100, MaxInt64", r.GOGC, r.Limit)
	}
	in := runChild(t, "within")
	if in.GOGC != gogcOff || in.Limit != 64*mib {
		t.Errorf("4 MiB live in a 64 MiB budget left GOGC %d, limit %d; want off and 64 MiB", in.GOGC, in.Limit)
	}
}

// TestBlockIsMappedInHugePages: where the kernel gives transparent huge
// pages to regions that ask, the block costs one fault per 2 MiB, not one
// per 4 KiB page (16384 for 64 MiB): on the CI virtual machines each fault
// costs 14-25 µs, and the 50k check's first writes were a fifth of its CPU.
func TestBlockIsMappedInHugePages(t *testing.T) {
	mode := thpMode()
	if mode != "always" && mode != "madvise" {
		t.Skipf("SKIPPED: transparent huge pages are %q on this kernel (/sys/kernel/mm/transparent_hugepage/enabled), so the block is mapped in small pages", mode)
	}
	r := runChild(t, "mapping")
	if r.Budget.Mapped == 0 {
		t.Skip("SKIPPED: this kernel has no MADV_POPULATE_WRITE (Linux 5.14+), so no block was mapped")
	}
	t.Logf("mapping a 64 MiB block took %d page faults (THP %s)", r.Faults, mode)
	if r.Faults > 64*mib/4096/8 {
		t.Errorf("mapping a 64 MiB block took %d page faults; in huge pages it takes about 32, in small pages 16384", r.Faults)
	}
}

// thpMode is the bracketed word of the kernel's THP setting, "" without one.
func thpMode() string {
	b, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil {
		return ""
	}
	s := string(b)
	i, j := strings.IndexByte(s, '['), strings.IndexByte(s, ']')
	if i < 0 || j < i {
		return ""
	}
	return s[i+1 : j]
}
