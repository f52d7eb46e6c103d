package agents

import (
	"bufio"
	"io"
	"strconv"
	"unicode/utf8"
)

// tracer writes the event trace: one JSON object per line, every record
// with "day" and "ev" first. It is hand-encoded so tracing costs no
// reflection; it is only active when Options.Trace is set.
type tracer struct {
	w       *bufio.Writer
	buf     []byte
	choices []byte // the current app's choices, a JSON array body
	err     error
}

func newTracer(w io.Writer) *tracer { return &tracer{w: bufio.NewWriterSize(w, 64<<10)} }

func (t *tracer) begin(day float64, ev string) {
	t.buf = append(t.buf[:0], `{"day":`...)
	t.buf = strconv.AppendFloat(t.buf, day, 'g', -1, 64)
	t.buf = append(t.buf, `,"ev":`...)
	t.buf = appendJSONString(t.buf, ev)
}

func (t *tracer) str(key, v string) {
	t.buf = append(t.buf, ',', '"')
	t.buf = append(t.buf, key...)
	t.buf = append(t.buf, '"', ':')
	t.buf = appendJSONString(t.buf, v)
}

func (t *tracer) num(key string, v float64) {
	t.buf = append(t.buf, ',', '"')
	t.buf = append(t.buf, key...)
	t.buf = append(t.buf, '"', ':')
	t.buf = strconv.AppendFloat(t.buf, v, 'g', -1, 64)
}

func (t *tracer) boolean(key string, v bool) {
	t.buf = append(t.buf, ',', '"')
	t.buf = append(t.buf, key...)
	t.buf = append(t.buf, '"', ':')
	t.buf = strconv.AppendBool(t.buf, v)
}

func (t *tracer) raw(key string, v []byte) {
	t.buf = append(t.buf, ',', '"')
	t.buf = append(t.buf, key...)
	t.buf = append(t.buf, '"', ':')
	t.buf = append(t.buf, v...)
}

func (t *tracer) end() {
	t.buf = append(t.buf, '}', '\n')
	if t.err == nil {
		_, t.err = t.w.Write(t.buf)
	}
}

func (t *tracer) flush() {
	if t.err == nil {
		t.err = t.w.Flush()
	}
}

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

func (m *Model) protoName(p int) string {
	if p < 0 {
		return "outside"
	}
	return m.prot[p].name
}

func (m *Model) trace1(ev string, p int) {
	if m.tr == nil {
		return
	}
	m.tr.begin(m.Now(), ev)
	if ev == "app_end" {
		m.tr.num("app", float64(p))
	} else {
		m.tr.str("protocol", m.protoName(p))
	}
	m.tr.end()
}

func (m *Model) traceApp(slot int32, outcome string, stackCost float64) {
	if m.tr == nil {
		return
	}
	a := &m.apps[slot]
	t := &m.types[a.typ]
	m.tr.begin(m.Now(), "app")
	m.tr.num("app", float64(slot))
	m.tr.str("type", t.name)
	m.tr.str("outcome", outcome)
	m.tr.num("stack_cost", stackCost)
	var b []byte
	b = append(b, '[')
	for i := 0; i < int(a.nLegs); i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"dim":`...)
		b = appendJSONString(b, m.spec.Dimensions[t.needs[i]])
		b = append(b, `,"provider":`...)
		b = appendJSONString(b, m.protoName(int(m.legs[int(slot)*m.legsPerApp+i])))
		b = append(b, '}')
	}
	b = append(b, ']')
	m.tr.raw("legs", b)
	b = b[:0]
	b = append(b, '[')
	for k, pp := range m.pairs {
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"a":`...)
		b = appendJSONString(b, m.protoName(int(pp.a)))
		b = append(b, `,"b":`...)
		b = appendJSONString(b, m.protoName(int(pp.b)))
		b = append(b, `,"route":`...)
		b = appendJSONString(b, routeNames[pp.kind])
		b = append(b, `,"cost":`...)
		b = strconv.AppendFloat(b, pp.cost, 'g', -1, 64)
		b = append(b, '}')
	}
	b = append(b, ']')
	m.tr.raw("routes", b)
	b = append(b[:0], '[')
	b = append(b, m.tr.choices...)
	b = append(b, ']')
	m.tr.raw("choices", b)
	m.tr.boolean("composed", a.composed)
	m.tr.end()
}

func (m *Model) traceIntegration(a, b int32, prob float64, ok bool) {
	if m.tr == nil {
		return
	}
	m.tr.begin(m.Now(), "bespoke")
	m.tr.str("a", m.protoName(int(a)))
	m.tr.str("b", m.protoName(int(b)))
	m.tr.num("prob", prob)
	m.tr.boolean("ok", ok)
	m.tr.end()
}

// traceThreshold records one threshold-rule review of protocol p's
// dimension d: its current standard and value, the best candidate (the
// highest gain, "" when there is none) and that gain, and whether p
// switched to it.
func (m *Model) traceThreshold(p, d int, cur int32, vcur float64, top int32, gain float64, switched bool) {
	if m.tr == nil {
		return
	}
	m.tr.begin(m.Now(), "standard_review")
	m.tr.str("protocol", m.protoName(p))
	m.tr.str("dim", m.spec.Dimensions[d])
	m.tr.str("rule", "threshold")
	m.tr.str("current", m.stdNames[cur])
	m.tr.num("current_value", vcur)
	if top >= 0 {
		m.tr.str("best", m.stdNames[top])
		m.tr.num("gain", gain)
	} else {
		m.tr.str("best", "")
	}
	m.tr.boolean("switched", switched)
	m.tr.end()
}

// traceUrn records one urn-rule review of protocol p's dimension d: to is
// the standard adopted, or -1 when the openness draw said no.
func (m *Model) traceUrn(p, d int, cur, to int32) {
	if m.tr == nil {
		return
	}
	m.tr.begin(m.Now(), "standard_review")
	m.tr.str("protocol", m.protoName(p))
	m.tr.str("dim", m.spec.Dimensions[d])
	m.tr.str("rule", "urn")
	m.tr.str("current", m.stdNames[cur])
	m.tr.boolean("switched", to >= 0)
	if to >= 0 {
		m.tr.str("best", m.stdNames[to])
	}
	m.tr.end()
}

func (m *Model) traceJoin(p, h int, value float64, joined bool) {
	if m.tr == nil {
		return
	}
	m.tr.begin(m.Now(), "hub_review")
	m.tr.str("hub", m.hubs[h].name)
	m.tr.str("protocol", m.protoName(p))
	m.tr.num("value", value)
	m.tr.num("adapter_cost", m.hubs[h].adapter)
	m.tr.boolean("joined", joined)
	m.tr.end()
}

func (m *Model) traceHub(ev string, h, p int) {
	if m.tr == nil {
		return
	}
	m.tr.begin(m.Now(), ev)
	m.tr.str("hub", m.hubs[h].name)
	if p >= 0 {
		m.tr.str("protocol", m.protoName(p))
	}
	m.tr.end()
}

func (m *Model) traceShock(kind string, target int) {
	if m.tr == nil {
		return
	}
	m.tr.begin(m.Now(), "shock")
	m.tr.str("kind", kind)
	if target >= 0 {
		m.tr.str("target", m.protoName(target))
	}
	m.tr.end()
}

// traceChoice records a leg's consideration set and utilities (m.util
// still holds utilities, not yet weights).
func (m *Model) traceChoice(d int) {
	b := m.tr.choices
	if len(b) > 0 {
		b = append(b, ',')
	}
	b = append(b, `{"dim":`...)
	b = appendJSONString(b, m.spec.Dimensions[d])
	b = append(b, `,"outside_utility":`...)
	b = strconv.AppendFloat(b, m.outsideUtil, 'g', 6, 64)
	b = append(b, `,"considered":[`...)
	for i, c := range m.sel {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"provider":`...)
		b = appendJSONString(b, m.protoName(int(c)))
		b = append(b, `,"utility":`...)
		b = strconv.AppendFloat(b, m.util[i], 'g', 6, 64)
		b = append(b, '}')
	}
	b = append(b, ']')
	m.tr.choices = b
}

// traceChoiceEnd closes a leg's record with the provider drawn.
func (m *Model) traceChoiceEnd(pick int32) {
	b := append(m.tr.choices, `,"chosen":`...)
	b = appendJSONString(b, m.protoName(int(pick)))
	m.tr.choices = append(b, '}')
}
