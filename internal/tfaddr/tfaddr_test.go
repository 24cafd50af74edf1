package tfaddr

import "testing"

func TestSkipBracket(t *testing.T) {
	cases := []struct {
		s    string
		i    int
		want int
	}{
		{`x[0].y`, 1, 4},
		{`x["a]b"].y`, 1, 8},
		{`x["a\"]"]`, 1, 9},
		{`x["open`, 1, 7},
	}
	for _, c := range cases {
		if got := SkipBracket(c.s, c.i); got != c.want {
			t.Errorf("SkipBracket(%q, %d) = %d, want %d", c.s, c.i, got, c.want)
		}
	}
}
