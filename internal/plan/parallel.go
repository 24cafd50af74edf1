package plan

import (
	"runtime"
	"sync"
	"sync/atomic"

	tfjson "github.com/hashicorp/terraform-json"
)

// Decoding resource_changes is most of a big plan's load, and its elements
// are independent, so past the first parallelAfter of them the reading
// goroutine only tokenizes each element (ReadValue: the syntax check the
// sequential path makes too), copies its bytes into a batch and hands the
// batch to a worker, which builds the elements from those bytes without
// tokenizing them again (see raw.go); when every worker is busy it decodes the batch
// itself, so no goroutine waits for another (on a loaded machine each
// wait costs a trip through the OS scheduler). Each worker has its own value reader (intern and
// sharing tables: less sharing across workers, no locks) and builds with
// the same resourceChange code; results stay in their batch,
// batches in the plan's order. The reader goes on with the members after
// resource_changes (prior_state, configuration) while the workers finish.
//
// Any worker error fails streamDecode as a sequential error would, so
// decodeAny's exact decoder still names it. Small plans and GOMAXPROCS=1
// never start a goroutine.

// parallelAfter is how many elements are decoded in order before workers
// start: a plan smaller than that gains nothing from them. A variable so
// tests can lower it.
var parallelAfter = 2048

// batchBytes is the size of the element batches handed to workers: large
// enough that handing one over costs nothing next to decoding it.
const batchBytes = 128 << 10

type changeBatch struct {
	buf  []byte // the elements as written, one after another
	ends []int  // where each element ends in buf
	out  []*tfjson.ResourceChange
}

// changePool decodes the batches of one resource_changes array.
type changePool struct {
	dst     *[]*tfjson.ResourceChange
	head    []*tfjson.ResourceChange // decoded in order by the reader
	batches []*changeBatch           // in order; appended by the reader only
	cur     *changeBatch
	work    chan *changeBatch
	free    chan []byte  // buffers handed back by workers, so few are allocated
	inline  *valueReader // the reader's own, for batches it decodes itself
	wg      sync.WaitGroup
	failed  atomic.Bool
	errOnce sync.Once
	err     error
	closed  bool
}

// workerCount is how many workers decode resource_changes beside the
// reader: one per other core.
func workerCount() int {
	return runtime.GOMAXPROCS(0) - 1
}

func newChangePool(dst *[]*tfjson.ResourceChange, head []*tfjson.ResourceChange, workers int) *changePool {
	p := &changePool{
		dst: dst, head: head,
		work: make(chan *changeBatch, workers),
		// every buffer is in the queue, with a worker or with the reader
		free:   make(chan []byte, 2*workers+1),
		inline: newValueReader(),
	}
	p.wg.Add(workers)
	for range workers {
		go p.run()
	}
	return p
}

// add copies one element (as ReadValue returned it) into the current
// batch, handing the batch over once full.
func (p *changePool) add(raw []byte) {
	if p.cur == nil {
		var buf []byte
		select {
		case buf = <-p.free:
		default:
			buf = make([]byte, 0, batchBytes)
		}
		p.cur = &changeBatch{buf: buf}
	}
	p.cur.buf = append(p.cur.buf, raw...)
	p.cur.ends = append(p.cur.ends, len(p.cur.buf))
	if len(p.cur.buf) >= batchBytes {
		p.flush()
	}
}

// flush hands the current batch to an idle worker, or decodes it here
// when none is idle.
func (p *changePool) flush() {
	b := p.cur
	if b == nil {
		return
	}
	p.cur = nil
	p.batches = append(p.batches, b)
	select {
	case p.work <- b:
		return
	default:
	}
	if !p.failed.Load() {
		if err := decodeBatch(p.inline, b); err != nil {
			p.fail(err)
		}
	}
	p.cur = &changeBatch{buf: b.buf[:0], ends: b.ends[:0]}
	b.buf, b.ends = nil, nil
}

// close decodes or hands over the last batch and lets the workers end.
func (p *changePool) close() {
	if p.closed {
		return
	}
	if p.cur != nil && len(p.cur.ends) == 0 {
		p.cur = nil // a buffer kept by flush, holding nothing
	}
	p.flush()
	close(p.work)
	p.closed = true
}

// join waits for every worker and, when all succeeded, stores the changes
// in the plan's order. It is called on every return path of streamDecode,
// so no worker outlives Load.
func (p *changePool) join() error {
	p.close()
	p.wg.Wait()
	if p.err != nil {
		return p.err
	}
	n := len(p.head)
	for _, b := range p.batches {
		n += len(b.out)
	}
	out := make([]*tfjson.ResourceChange, 0, n)
	out = append(out, p.head...)
	for _, b := range p.batches {
		out = append(out, b.out...)
	}
	*p.dst = out
	return nil
}

func (p *changePool) fail(err error) {
	p.errOnce.Do(func() { p.err = err })
	p.failed.Store(true)
}

// run decodes batches until the reader is done. After a failure it only
// hands buffers back, so the reader never waits for one in vain.
func (p *changePool) run() {
	defer p.wg.Done()
	vr := newValueReader()
	for b := range p.work {
		if !p.failed.Load() {
			if err := decodeBatch(vr, b); err != nil {
				p.fail(err)
			}
		}
		buf := b.buf[:0]
		b.buf = nil
		select {
		case p.free <- buf:
		default: // the reader allocated more than the list holds
		}
	}
}

// decodeBatch builds the elements of a batch into b.out.
func decodeBatch(vr *valueReader, b *changeBatch) error {
	b.out = make([]*tfjson.ResourceChange, 0, len(b.ends))
	start := 0
	for _, end := range b.ends {
		rc, err := vr.resourceChange(b.buf[start:end])
		if err != nil {
			return err
		}
		b.out = append(b.out, rc)
		start = end
	}
	return nil
}
