package plan

import (
	"errors"
	"io"

	"github.com/go-json-experiment/json/jsontext"
)

// maxStreamedToken bounds how many bytes the streaming tokenizer may hold
// beyond the last value it returned. jsontext keeps a whole token in one
// buffer that grows by doubling, so a plan made of a few huge strings (or
// of huge runs of white space) would cost several times its size when
// streamed; past this bound the file is read whole and tokenized in place
// instead. Real plans are made of small tokens: the largest are policy
// documents of a few kilobytes.
var maxStreamedToken int64 = 64 << 20 // a variable so tests can lower it

// errHugeToken: a token outgrew maxStreamedToken while streaming.
var errHugeToken = errors.New("token larger than the streaming bound")

// tokenGuard counts the bytes it hands to the tokenizer and refuses to
// read on once the tokenizer holds more than maxStreamedToken of them
// unconsumed.
type tokenGuard struct {
	r    io.Reader
	dec  *jsontext.Decoder
	read int64
}

func (g *tokenGuard) Read(p []byte) (int, error) {
	if g.dec != nil && g.read-g.dec.InputOffset() > maxStreamedToken {
		return 0, errHugeToken
	}
	n, err := g.r.Read(p)
	g.read += int64(n)
	return n, err
}
