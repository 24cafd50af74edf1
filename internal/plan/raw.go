package plan

// A resource change, and every attribute value, is tokenized once: jsontext's
// ReadValue checks the whole value in one loop over its bytes (the grammar,
// the options and the nesting limit of a token-by-token read), and what the
// model reads is then built from those bytes by rawReader, which trusts them
// and only finds where each token ends. Reading the same value token by
// token cost a trip through the decoder's state machine per token (PeekKind,
// ReadToken, ReadValue per name and scalar), and past parallelAfter the
// element was tokenized twice: by the reader that hands it to a worker and
// by the worker.

// rawReader walks a JSON value that ReadValue has already accepted. It
// never checks the grammar, so it must be given no other bytes: on those
// it reads nonsense or panics.
type rawReader struct {
	b []byte
	i int
}

// peek skips white space and returns the next byte: '{', '[', '"', 't',
// 'f', 'n', '-' or a digit, or ',', ':', '}', ']' between tokens.
func (r *rawReader) peek() byte {
	for r.i < len(r.b) {
		switch c := r.b[r.i]; c {
		case ' ', '\t', '\r', '\n':
			r.i++
		default:
			return c
		}
	}
	return 0
}

// str returns the string literal at r.i, quotes included.
func (r *rawReader) str() []byte {
	start := r.i
	i := r.i + 1
	for i < len(r.b) {
		switch r.b[i] {
		case '"':
			r.i = i + 1
			return r.b[start:r.i]
		case '\\':
			i += 2 // the escaped byte; \uXXXX's digits are plain bytes
		default:
			i++
		}
	}
	r.i = len(r.b)
	return r.b[start:r.i]
}

// number returns the number literal at r.i.
func (r *rawReader) number() []byte {
	start := r.i
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case '-', '+', '.', 'e', 'E', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			r.i++
			continue
		}
		break
	}
	return r.b[start:r.i]
}

// open passes the opening bracket c ('{' or '[') of the container at r.i
// and reports true, or passes a null and reports false. Any other value is
// errShape: a shape the exact decoder decides.
func (r *rawReader) open(c byte) (bool, error) {
	switch r.peek() {
	case 'n':
		r.i += 4
		return false, nil
	case c:
		r.i++
		return true, nil
	}
	return false, errShape
}

// colon passes the ':' after an object name.
func (r *rawReader) colon() {
	r.peek()
	r.i++
}

// next reports whether a container has another element, passing the comma
// before it, or passes its closing '}' or ']' and reports false.
func (r *rawReader) next() bool {
	switch r.peek() {
	case ',':
		r.i++
		r.peek()
		return true
	case '}', ']', 0:
		r.i++
		return false
	}
	return true // the first element
}

// skip passes one value.
func (r *rawReader) skip() {
	switch r.peek() {
	case '"':
		r.str()
	case 't', 'n':
		r.i += 4
	case 'f':
		r.i += 5
	case '{', '[':
		depth := 0
		for r.i < len(r.b) {
			switch r.b[r.i] {
			case '"':
				r.str()
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					r.i++
					return
				}
			}
			r.i++
		}
	default:
		r.number()
	}
}
