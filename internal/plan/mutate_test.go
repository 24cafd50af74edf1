package plan

import "math/rand/v2"

// mutate returns b with one to three random edits (a byte deleted, inserted
// or replaced by one of alphabet): the near-valid JSON the loader's
// equivalence tests feed both sides of a comparison.
func mutate(rng *rand.Rand, b []byte, alphabet string) []byte {
	for range 1 + rng.IntN(3) {
		if len(b) == 0 {
			break
		}
		i := rng.IntN(len(b))
		switch rng.IntN(3) {
		case 0:
			b = append(b[:i], b[i+1:]...)
		case 1:
			b = append(b[:i], append([]byte{alphabet[rng.IntN(len(alphabet))]}, b[i:]...)...)
		default:
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
	}
	return b
}
