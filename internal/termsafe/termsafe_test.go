package termsafe

import (
	"bytes"
	"testing"
)

func TestString(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"plain", "deai-2025 ünïcode\tok\n", "deai-2025 ünïcode\tok\n"},
		{"ESC", "a\x1b[31mred", `a\x1b[31mred`},
		{"BEL", "ding\a", `ding\x07`},
		{"NUL", "a\x00b", `a\x00b`},
		{"CR", "ok\rfake", `ok\x0dfake`},
		{"DEL", "a\x7f", `a\x7f`},
		{"C1 CSI", "a\u009b31m", `a\u009b31m`},
		{"bidi override", "abc\u202edcba", `abc\u202edcba`},
		{"invalid UTF-8", "a\xffb", `a\xffb`},
	} {
		if got := String(c.in); got != c.want {
			t.Errorf("%s: String(%q) = %q; want %q", c.name, c.in, got, c.want)
		}
	}
}

func TestWriterSplitRune(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	s := []byte("é\x1b\u009b") // é is 2 bytes, U+009B is 2 bytes
	for i := range s {
		if n, err := w.Write(s[i : i+1]); n != 1 || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if got, want := b.String(), `é\x1b\u009b`; got != want {
		t.Errorf("written %q; want %q", got, want)
	}
}
