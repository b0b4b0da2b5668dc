package decode

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"
)

// scanner reads an XML document from a stream, through a window that
// slides over it, in two ways:
//
//   - next reads one token as encoding/xml's Decoder.Token would, with the
//     same checks (names, attributes, entities, characters, comments,
//     CDATA, processing instructions, directives, an end tag matching its
//     start), so that where the SDK's decoder fails the scanner fails too,
//     for every part a decoder reads;
//   - skip passes over the rest of an element nobody reads, finding its end
//     (quotes in tags, comments, CDATA sections, processing instructions
//     and directives taken into account) without checking what it holds.
//
// Slices it returns (local, text) are valid until the next call.
type scanner struct {
	r    io.Reader
	buf  []byte
	pos  int   // the next unread byte of buf
	end  int   // the end of what was read into buf
	rerr error // the reader's error, once it returned one (io.EOF at the end)
	err  error // the first error met; every later call returns it, as encoding/xml does
	read int64 // bytes of the stream before buf[0], for messages
	// length is the answer's length when known (Body), else -1.
	length int64

	// The elements open, read by next: their raw names one after another
	// in names, where each starts in open.
	names      []byte
	open       []openElem
	pendingEnd bool  // a start tag closed itself: its end element comes next
	tokAt      int64 // where the token next returned starts in the stream

	// onSkip, when set, is told the bytes of each element skip passes
	// over, from its start tag to its end tag: a test takes them out of
	// the answer to see that the SDK reads the rest as the decoder did.
	onSkip func(from, to int64)

	// The token next returned.
	local   []byte // the local name of a start or end element
	prefix  []byte
	empty   bool   // the start element closed itself (<a/>)
	text    []byte // the decoded text of character data or CDATA
	scratch []byte // where text that needs decoding is decoded
}

type tokKind int

const (
	tokEOF       tokKind = iota
	tokStart             // <a>, or <a/> with empty set
	tokEnd               // </a>, or the end of <a/>
	tokText              // character data: text (text set)
	tokCDATA             // <![CDATA[...]]> (text set)
	tokComment           // <!-- -->
	tokProcInst          // <?target ...?>
	tokDirective         // <!DOCTYPE ...>
)

// window is how much of the stream the scanner holds at least; a token
// longer than that (a long text) grows it.
const window = 32 << 10

// Body is an answer's body with its length, when known (an HTTP
// response's ContentLength; -1 when not). A shorter answer than a window
// is read through a window of its own size: most answers of an
// organization's empty regions are a few hundred bytes, and a 32 KB
// window allocated (and cleared) for each was a tenth of their calls'
// CPU.
type Body struct {
	io.Reader
	Length int64
}

func newScanner(r io.Reader) *scanner {
	b, ok := r.(Body)
	if !ok {
		b.Length = -1
	}
	if b.Length >= 0 && b.Length < window {
		// One byte more, so that the read that meets the end needs no
		// room to be made.
		return &scanner{r: r, length: b.Length, buf: make([]byte, max(int(b.Length)+1, 64))}
	}
	return &scanner{r: r, length: b.Length, buf: windows.Get().(*[window]byte)[:]}
}

// offset is how far into the answer the scanner has read.
func (s *scanner) offset() int64 { return s.read + int64(s.pos) }

// windows are the windows of answers no shorter than one, reused: an
// organization-wide scan reads hundreds of pages, and a new window for
// each was as many 32 KB of fresh memory to clear and fault in. Nothing
// decoded points into a window (text is copied to the arena), so one is
// reused once its decoder returns (release).
var windows = sync.Pool{New: func() any { return new([window]byte) }}

// release gives the scanner's window back when it is one of windows'; the
// scanner is not used again.
func (s *scanner) release() {
	if cap(s.buf) == window {
		windows.Put((*[window]byte)(s.buf[:window]))
	}
	s.buf = nil
}

// openElem is an open element's raw name in names: the prefix from at,
// the local name from local.
type openElem struct{ at, local int }

// SyntaxError is a document that is not XML as encoding/xml reads it.
type SyntaxError struct {
	Offset int64 // bytes from the start of the answer
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("XML syntax error at byte %d: %s", e.Offset, e.Msg)
}

// fail records the first error, at offset i (relative to pos).
func (s *scanner) fail(i int, format string, args ...any) error {
	if s.err == nil {
		s.err = &SyntaxError{Offset: s.read + int64(s.pos+i), Msg: fmt.Sprintf(format, args...)}
	}
	return s.err
}

// failEOF records an unexpected end of the answer, or the reader's own
// error (a connection cut in the middle).
func (s *scanner) failEOF() error {
	if s.rerr != nil && s.rerr != io.EOF {
		if s.err == nil {
			s.err = s.rerr
		}
		return s.err
	}
	return s.fail(s.end-s.pos, "unexpected EOF")
}

// fill reads more of the stream into the window, keeping buf[pos:end]; it
// reports false when the stream has ended (or failed) with nothing more.
func (s *scanner) fill() bool {
	if s.rerr != nil {
		return false
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.read += int64(s.pos)
		s.pos, s.end = 0, n
	}
	if s.end == len(s.buf) {
		s.buf = append(s.buf, make([]byte, len(s.buf))...)
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.rerr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// at returns the byte i bytes after pos, reading as needed.
func (s *scanner) at(i int) (byte, bool) {
	for s.pos+i >= s.end {
		if !s.fill() {
			return 0, false
		}
	}
	return s.buf[s.pos+i], true
}

// find returns the offset from pos of the first c at or after from,
// reading as needed; -1 when the stream ends first.
func (s *scanner) find(c byte, from int) int {
	for {
		if s.pos+from < s.end {
			if j := bytes.IndexByte(s.buf[s.pos+from:s.end], c); j >= 0 {
				return from + j
			}
			from = s.end - s.pos
		}
		if !s.fill() {
			return -1
		}
	}
}

// findSeq is find for a sequence of bytes.
func (s *scanner) findSeq(seq string, from int) int {
	for {
		if s.pos+from < s.end {
			if j := bytes.Index(s.buf[s.pos+from:s.end], []byte(seq)); j >= 0 {
				return from + j
			}
			// The sequence may straddle what is read and what is not.
			from = max(from, s.end-s.pos-len(seq)+1)
		}
		if !s.fill() {
			return -1
		}
	}
}

// next reads the next token.
func (s *scanner) next() (tokKind, error) {
	if s.err != nil {
		return tokEOF, s.err
	}
	if s.pendingEnd {
		s.pendingEnd = false
		s.pop()
		return tokEnd, nil
	}
	s.tokAt = s.read + int64(s.pos)
	c, ok := s.at(0)
	if !ok {
		if s.rerr != io.EOF {
			return tokEOF, s.failEOF()
		}
		if len(s.open) > 0 {
			return tokEOF, s.fail(0, "unexpected EOF")
		}
		return tokEOF, nil
	}
	if c != '<' {
		return tokText, s.charData()
	}
	c, ok = s.at(1)
	if !ok {
		return tokEOF, s.failEOF()
	}
	switch c {
	case '/':
		return tokEnd, s.endElement()
	case '?':
		return tokProcInst, s.procInst()
	case '!':
		return s.bang()
	}
	return tokStart, s.startElement()
}

// charData reads text up to the next '<' or the end of the answer.
func (s *scanner) charData() error {
	n := s.find('<', 0)
	if n < 0 {
		if s.rerr != io.EOF {
			return s.failEOF()
		}
		n = s.end - s.pos
	}
	raw := s.buf[s.pos : s.pos+n]
	if plain(raw) {
		s.text = raw
	} else {
		t, err := s.decodeText(raw, -1, false)
		if err != nil {
			return err
		}
		s.text = t
	}
	s.pos += n
	return nil
}

// plain reports whether text reads as itself: printable ASCII, tabs and
// newlines, no entity, no ']' (which could end "]]>").
func plain(b []byte) bool {
	for _, c := range b {
		if !plainByte[c] {
			return false
		}
	}
	return true
}

var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '&' && c != ']' && c != '<'
	}
	t['\t'], t['\n'] = true, true
	return t
}()

// decodeText turns raw text into what encoding/xml's Decoder returns for
// it, with its checks: entities (quote >= 0: an attribute value that ended
// at the quote; cdata: a CDATA section's content, without entities), \r\n
// and \r read as \n, "]]>" only where it may be, and characters XML
// allows. It is encoding/xml's Decoder.text, on text already delimited.
func (s *scanner) decodeText(raw []byte, quote int, cdata bool) ([]byte, error) {
	out := s.scratch[:0]
	var b0, b1 byte
	for i := 0; i < len(raw); i++ {
		b := raw[i]
		if quote < 0 && !cdata && b0 == ']' && b1 == ']' && b == '>' {
			return nil, s.fail(i, "unescaped ]]> not in CDATA section")
		}
		if quote >= 0 && b == '<' {
			return nil, s.fail(i, "unescaped < inside quoted string")
		}
		if b == '&' && !cdata {
			text, n, ok := entity(raw[i+1:])
			if !ok {
				return nil, s.fail(i, "invalid character entity %s", raw[i:i+1+n])
			}
			out = append(out, text...)
			i += n
			b0, b1 = 0, 0
			continue
		}
		switch {
		case b == '\r':
			out = append(out, '\n')
		case b1 == '\r' && b == '\n':
		default:
			out = append(out, b)
		}
		b0, b1 = b1, b
	}
	s.scratch = out
	if err := checkChars(out); err != "" {
		return nil, s.fail(0, "%s", err)
	}
	return out, nil
}

// entity reads the entity after '&': lt, gt, amp, apos, quot, &#N; or
// &#xH; (what a Decoder without an Entity map takes), returning its text
// and how many bytes it took.
func entity(b []byte) (string, int, bool) {
	semi := bytes.IndexByte(b, ';')
	if semi < 0 {
		return "", 0, false
	}
	name := b[:semi]
	switch string(name) {
	case "lt":
		return "<", semi + 1, true
	case "gt":
		return ">", semi + 1, true
	case "amp":
		return "&", semi + 1, true
	case "apos":
		return "'", semi + 1, true
	case "quot":
		return `"`, semi + 1, true
	}
	if len(name) < 2 || name[0] != '#' {
		return "", semi, false
	}
	digits, base := name[1:], uint64(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 {
		return "", semi, false
	}
	var n uint64
	for _, c := range digits {
		var d uint64
		switch {
		case '0' <= c && c <= '9':
			d = uint64(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			d = uint64(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			d = uint64(c-'A') + 10
		default:
			return "", semi, false
		}
		n = n*base + d
		if n > 0x10FFFF { // past unicode.MaxRune: encoding/xml refuses it
			return "", semi, false
		}
	}
	return string(rune(n)), semi + 1, true
}

// checkChars reports text that is not UTF-8, or holds a character XML does
// not allow, as encoding/xml words it.
func checkChars(b []byte) string {
	for i := 0; i < len(b); {
		c := b[i]
		if c < 0x80 {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return fmt.Sprintf("illegal character code %U", rune(c))
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return "invalid UTF-8"
		}
		if !(r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
			return fmt.Sprintf("illegal character code %U", r)
		}
		i += size
	}
	return ""
}

// startElement reads a start tag: <name attr="value" ...> or <name/>.
func (s *scanner) startElement() error {
	// The common tag, "<name>" with an ASCII name and no prefix, is read
	// in one loop.
	w := s.buf[s.pos:s.end]
	if len(w) > 2 {
		if c := w[1]; 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_' {
			n := 2
			for n < len(w) && w[n] < 0x80 && nameByte[w[n]] && w[n] != ':' {
				n++
			}
			if n < len(w) && w[n] == '>' {
				s.empty = false
				s.push(nil, w[1:n])
				s.prefix, s.local = s.top()
				s.pos += n + 1
				s.pendingEnd = false
				return nil
			}
		}
	}
	gt, err := s.tagEnd(1)
	if err != nil {
		return err
	}
	tag := s.buf[s.pos : s.pos+gt+1] // from '<' to '>'
	i := 1
	prefix, local, n, err := s.nsname(tag, i, "expected element name after <")
	if err != nil {
		return err
	}
	i += n
	s.empty = false
	for {
		i = space(tag, i)
		switch tag[i] {
		case '/':
			if tag[i+1] != '>' {
				return s.fail(i, "expected /> in element")
			}
			s.empty = true
		case '>':
		default:
			// An attribute: name="value". AWS's answers have them only
			// on the root (xmlns), and no decoder reads them, but
			// encoding/xml checks them.
			_, _, n, err := s.nsname(tag, i, "expected attribute name in element")
			if err != nil {
				return err
			}
			i = space(tag, i+n)
			if tag[i] != '=' {
				return s.fail(i, "attribute name without = in element")
			}
			i = space(tag, i+1)
			q := tag[i]
			if q != '"' && q != '\'' {
				return s.fail(i, "unquoted or missing attribute value in element")
			}
			end := bytes.IndexByte(tag[i+1:], q)
			if end < 0 {
				return s.fail(i, "unexpected EOF")
			}
			if _, err := s.decodeText(tag[i+1:i+1+end], int(q), false); err != nil {
				return err
			}
			i += end + 2
			continue
		}
		break
	}
	s.push(tag[prefix[0]:prefix[1]], tag[local[0]:local[1]])
	s.prefix, s.local = s.top()
	s.pos += gt + 1
	s.pendingEnd = s.empty
	return nil
}

// simple reports the element at pos when it is "<name>text</name>" whole
// in the window: a name next's fast path reads (ASCII, no prefix, no
// attribute), text without a tag, and its end tag spelled as its start.
// It returns the name, the text as it is (not decoded) and the element's
// length; next, then skip or a value's text and end, would read the same
// element to the same end. The scanner does not move.
func (s *scanner) simple() (name, text []byte, n int, ok bool) {
	if s.pendingEnd || s.err != nil {
		return nil, nil, 0, false
	}
	w := s.buf[s.pos:s.end]
	if len(w) < 4 || w[0] != '<' {
		return nil, nil, 0, false
	}
	if c := w[1]; !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_') {
		return nil, nil, 0, false
	}
	k := 2
	for k < len(w) && localByte[w[k]] {
		k++
	}
	if k == len(w) || w[k] != '>' {
		return nil, nil, 0, false
	}
	name = w[1:k]
	lt := bytes.IndexByte(w[k+1:], '<')
	if lt < 0 {
		return nil, nil, 0, false
	}
	lt += k + 1
	end := lt + 2 + len(name)
	if end >= len(w) || w[lt+1] != '/' || w[end] != '>' || string(w[lt+2:end]) != string(name) {
		return nil, nil, 0, false
	}
	return name, w[k+1 : lt], end + 1, true
}

// pass moves over n bytes that simple reported as an element nobody
// reads, as skip would have.
func (s *scanner) pass(n int) {
	s.tokAt = s.read + int64(s.pos)
	s.pos += n
	s.skipped()
}

// tagEnd returns the offset of the '>' that ends the tag starting at pos,
// outside quoted attribute values.
func (s *scanner) tagEnd(from int) (int, error) {
	// Most tags hold no attribute: the first '>' ends them when no quote
	// comes before it.
	if s.pos+from < s.end {
		w := s.buf[s.pos+from : s.end]
		if j := bytes.IndexByte(w, '>'); j >= 0 && bytes.IndexByte(w[:j], '"') < 0 && bytes.IndexByte(w[:j], '\'') < 0 {
			return from + j, nil
		}
	}
	var quote byte
	for i := from; ; i++ {
		if s.pos+i >= s.end && !s.fill() {
			return 0, s.failEOF()
		}
		switch c := s.buf[s.pos+i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '>':
			return i, nil
		case c == '"' || c == '\'':
			quote = c
		}
	}
}

func space(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// nsname reads a name at b[i:] as encoding/xml's nsname does: one colon
// at most splits it into a prefix and a local name. It returns their
// bounds in b and the name's length.
func (s *scanner) nsname(b []byte, i int, missing string) (prefix, local [2]int, n int, err error) {
	// An ASCII name without a colon, the common case, is read in one
	// loop.
	colon, ascii := -1, true
	for n = 0; i+n < len(b); n++ {
		c := b[i+n]
		if c >= 0x80 {
			ascii = false
			continue
		}
		if !nameByte[c] {
			break
		}
		if c == ':' && colon < 0 {
			colon = n
		}
	}
	if n == 0 {
		return prefix, local, 0, s.fail(i, "%s", missing)
	}
	name := b[i : i+n]
	if c := name[0]; !ascii || !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_' || c == ':') {
		if msg := checkName(name); msg != "" {
			return prefix, local, 0, s.fail(i, "%s", msg)
		}
	}
	switch {
	case colon < 0:
		return [2]int{i, i}, [2]int{i, i + n}, n, nil
	case bytes.IndexByte(name[colon+1:], ':') >= 0:
		return prefix, local, 0, s.fail(i, "%s", missing)
	case colon == 0 || colon == n-1:
		return [2]int{i, i}, [2]int{i, i + n}, n, nil
	}
	return [2]int{i, i + colon}, [2]int{i + colon + 1, i + n}, n, nil
}

// nameLen is the length of the name at the start of b: the bytes that may
// be in a name, and every non-ASCII byte (checked by checkName).
func nameLen(b []byte) int {
	for i, c := range b {
		if c < 0x80 && !nameByte[c] {
			return i
		}
	}
	return len(b)
}

var nameByte = func() (t [128]bool) {
	for c := 0; c < 128; c++ {
		t[c] = 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == ':' || c == '.' || c == '-'
	}
	return t
}()

// localByte is nameByte without ':', for every byte: what may follow the
// first byte of a name without a prefix that next's fast path reads.
var localByte = func() (t [256]bool) {
	for c := range nameByte {
		t[c] = nameByte[c] && c != ':'
	}
	return t
}()

// checkName says why a name is not an XML name, as encoding/xml decides
// it; "" when it is one. An ASCII name needs a letter, '_' or ':' first;
// a name with other characters is left to encoding/xml's own check of
// Unicode's letters and digits.
func checkName(name []byte) string {
	ascii := true
	for _, c := range name {
		ascii = ascii && c < 0x80
	}
	if ascii {
		if c := name[0]; 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_' || c == ':' {
			return ""
		}
		return "invalid XML name: " + string(name)
	}
	// <?NAME?> is read with the same name check, and without nsname's.
	if _, err := xml.NewDecoder(strings.NewReader("<?" + string(name) + "?>")).RawToken(); err != nil {
		return "invalid XML name: " + string(name)
	}
	return ""
}

// endElement reads an end tag, </name>, which must close the element open.
func (s *scanner) endElement() error {
	gt := s.find('>', 2)
	if gt < 0 {
		return s.failEOF()
	}
	tag := s.buf[s.pos : s.pos+gt+1]
	prefix, local, n, err := s.nsname(tag, 2, "expected element name after </")
	if err != nil {
		return err
	}
	if i := space(tag, 2+n); i != gt {
		return s.fail(i, "invalid characters between </%s and >", tag[local[0]:local[1]])
	}
	p, l := tag[prefix[0]:prefix[1]], tag[local[0]:local[1]]
	if len(s.open) == 0 {
		return s.fail(0, "unexpected end element </%s>", l)
	}
	op, ol := s.top()
	if !bytes.Equal(ol, l) || !bytes.Equal(op, p) {
		return s.fail(0, "element <%s> closed by </%s>", ol, l)
	}
	s.pop()
	s.prefix, s.local = p, l
	s.pos += gt + 1
	return nil
}

// bang reads what starts with <!: a comment, a CDATA section or a
// directive.
func (s *scanner) bang() (tokKind, error) {
	c, ok := s.at(2)
	if !ok {
		return tokEOF, s.failEOF()
	}
	switch c {
	case '-':
		if c, ok := s.at(3); !ok {
			return tokEOF, s.failEOF()
		} else if c != '-' {
			return tokEOF, s.fail(0, "invalid sequence <!- not part of <!--")
		}
		// The first "--" must be the end, "-->".
		dd := s.findSeq("--", 4)
		if dd < 0 {
			return tokEOF, s.failEOF()
		}
		if c, ok := s.at(dd + 2); !ok {
			return tokEOF, s.failEOF()
		} else if c != '>' {
			return tokEOF, s.fail(dd, `invalid sequence "--" not allowed in comments`)
		}
		s.pos += dd + 3
		return tokComment, nil
	case '[':
		for i := range 6 {
			c, ok := s.at(3 + i)
			if !ok {
				return tokEOF, s.failEOF()
			}
			if c != "CDATA["[i] {
				return tokEOF, s.fail(0, "invalid <![ sequence")
			}
		}
		end := s.findSeq("]]>", 9)
		if end < 0 {
			return tokEOF, s.failEOF()
		}
		t, err := s.decodeText(s.buf[s.pos+9:s.pos+end], -1, true)
		if err != nil {
			return tokEOF, err
		}
		s.text = t
		s.pos += end + 3
		return tokCDATA, nil
	}
	n, err := s.directive(3)
	if err != nil {
		return tokEOF, err
	}
	s.pos += n
	return tokDirective, nil
}

// directive finds the end of a directive (<!DOCTYPE ...>), as encoding/xml
// does: quoted '<' and '>' do not count, nested ones do, and comments
// inside are skipped. Its body is read from from, the byte after the one
// after "<!" (which encoding/xml takes as it is). It returns the offset
// after its '>'.
func (s *scanner) directive(from int) (int, error) {
	var inquote byte
	depth := 0
	i := from
	for {
		b, ok := s.at(i)
		if !ok {
			return 0, s.failEOF()
		}
		i++
		if inquote == 0 && b == '>' && depth == 0 {
			return i, nil
		}
	handle:
		switch {
		case b == inquote:
			inquote = 0
		case inquote != 0:
		case b == '\'' || b == '"':
			inquote = b
		case b == '>':
			depth--
		case b == '<':
			// <!-- begins a comment, to its "-->".
			for k := range 3 {
				c, ok := s.at(i)
				if !ok {
					return 0, s.failEOF()
				}
				i++
				if c != "!--"[k] {
					depth++
					b = c
					goto handle
				}
			}
			end := s.findSeq("-->", i)
			if end < 0 {
				return 0, s.failEOF()
			}
			i = end + 3
		}
	}
}

// procInst reads a processing instruction, <?target ...?>. <?xml ...?>
// must declare version 1.0, if any, and UTF-8, if any: encoding/xml has no
// other charset to read with.
func (s *scanner) procInst() error {
	n := 0
	for {
		c, ok := s.at(2 + n)
		if !ok {
			return s.failEOF()
		}
		if c < 0x80 && !nameByte[c] {
			break
		}
		n++
	}
	if n == 0 {
		return s.fail(2, "expected target name after <?")
	}
	target := string(s.buf[s.pos+2 : s.pos+2+n])
	if msg := checkName([]byte(target)); msg != "" {
		return s.fail(2, "%s", msg)
	}
	i := 2 + n
	for {
		c, ok := s.at(i)
		if !ok {
			return s.failEOF()
		}
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			break
		}
		i++
	}
	// The body ends at the first "?>" after the spaces.
	end := s.findSeq("?>", i)
	if end < 0 {
		return s.failEOF()
	}
	if target == "xml" {
		body := string(s.buf[s.pos+i : s.pos+end])
		if ver := procInstParam("version", body); ver != "" && ver != "1.0" {
			return s.setErr(fmt.Errorf("xml: unsupported version %q; only version 1.0 is supported", ver))
		}
		if enc := procInstParam("encoding", body); enc != "" && !strings.EqualFold(enc, "utf-8") {
			return s.setErr(fmt.Errorf("xml: encoding %q declared but Decoder.CharsetReader is nil", enc))
		}
	}
	s.pos += end + 2
	return nil
}

func (s *scanner) setErr(err error) error {
	if s.err == nil {
		s.err = err
	}
	return s.err
}

// procInstParam is encoding/xml's procInst: the value of param in a
// processing instruction's body, "" when it has none.
func procInstParam(param, s string) string {
	// TODO: this parsing is somewhat lame and not exact.
	// It works for all actual cases, though.
	param = param + "="
	lenp := len(param)
	i := 0
	var sep byte
	for i < len(s) {
		sub := s[i:]
		k := strings.Index(sub, param)
		if k < 0 || lenp+k >= len(sub) {
			return ""
		}
		i += lenp + k + 1
		if c := sub[lenp+k]; c == '\'' || c == '"' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return ""
	}
	j := strings.IndexByte(s[i:], sep)
	if j < 0 {
		return ""
	}
	return s[i : i+j]
}

// skip passes over the rest of the element whose start next returned,
// to its end element, without checking what it holds.
func (s *scanner) skip() error {
	if s.err != nil {
		return s.err
	}
	if s.pendingEnd {
		s.pendingEnd = false
		s.pop()
		s.skipped()
		return nil
	}
	if n, ok := s.skipWhole(); ok {
		s.pos += n
		s.pop()
		s.skipped()
		return nil
	}
	return s.skipTags()
}

// skipTags is skip read tag by tag, counting how deep it is.
func (s *scanner) skipTags() error {
	depth := 1
	for {
		// Text is not read: drop it from the window as it is passed.
		lt := -1
		for {
			if j := bytes.IndexByte(s.buf[s.pos:s.end], '<'); j >= 0 {
				lt = j
				break
			}
			s.pos = s.end
			if !s.fill() {
				return s.failEOF()
			}
		}
		s.pos += lt
		c, ok := s.at(1)
		if !ok {
			return s.failEOF()
		}
		switch c {
		case '/':
			gt := s.find('>', 2)
			if gt < 0 {
				return s.failEOF()
			}
			s.pos += gt + 1
			if depth--; depth == 0 {
				s.pop()
				s.skipped()
				return nil
			}
		case '?':
			end := s.findSeq("?>", 2)
			if end < 0 {
				return s.failEOF()
			}
			s.pos += end + 2
		case '!':
			n, err := s.skipBang()
			if err != nil {
				return err
			}
			s.pos += n
		default:
			gt, err := s.tagEnd(1)
			if err != nil {
				return err
			}
			if s.buf[s.pos+gt-1] != '/' {
				depth++
			}
			s.pos += gt + 1
		}
	}
}

// skipWhole finds the end of an element that holds other elements
// without reading them: the first "</name>" in the window after pos, when
// what comes before it holds nothing that could hide or shift it (no
// comment, CDATA section, processing instruction or directive, no
// attribute, no element of the same name, no end tag of that name spelled
// otherwise). It returns the offset after that end tag, and false when it
// cannot tell: skip then reads tag by tag. An element whose first tag
// inside is its end (a value) ends there when that tag is "</name>".
func (s *scanner) skipWhole() (int, bool) {
	w := s.buf[s.pos:s.end]
	lt := bytes.IndexByte(w, '<')
	if lt < 0 || lt+1 >= len(w) {
		return 0, false
	}
	prefix, local := s.top()
	if len(prefix) > 0 {
		return 0, false
	}
	if w[lt+1] == '/' {
		// A value: text (no tag in it), then its end tag, "</name>"
		// spelled so, else skip reads it.
		if end := lt + 2 + len(local); end < len(w) && w[end] == '>' && isName(w[lt+2:], local) {
			return end + 1, true
		}
		return 0, false
	}
	// One pass over the tags up to the end: a comment, CDATA section or
	// processing instruction ("<!", "<?"), another element of the name or
	// its end spelled "</name >" ("<name", "</name", unless the name goes
	// on, as in "<nameSet") could hide or move it.
	for at := lt; ; {
		i := bytes.IndexByte(w[at:], '<')
		if i < 0 || at+i+1 == len(w) {
			return 0, false
		}
		at += i + 1
		switch w[at] {
		case '!', '?':
			return 0, false
		case '/':
			// The first byte compared first: most tags are not the name.
			if at+1 < len(w) && w[at+1] == local[0] && isName(w[at+1:], local) {
				end := at + 1 + len(local)
				if end == len(w) || w[end] != '>' || bytes.IndexByte(w[:at], '=') >= 0 {
					return 0, false
				}
				return end + 1, true
			}
		default:
			if w[at] == local[0] && isName(w[at:], local) {
				return 0, false
			}
		}
	}
}

// isName reports whether b begins with the name local, which does not go
// on. A byte at or above 0x80 after it is taken to end it: skipWhole then
// declines, and the element is read tag by tag, which is always right.
func isName(b, local []byte) bool {
	k := len(local)
	return bytes.HasPrefix(b, local) && (k == len(b) || b[k] >= 0x80 || !nameByte[b[k]])
}

func (s *scanner) skipped() {
	if s.onSkip != nil {
		s.onSkip(s.tokAt, s.read+int64(s.pos))
	}
}

// skipBang returns the length of the comment, CDATA section or directive
// at pos.
func (s *scanner) skipBang() (int, error) {
	head := [7]byte{}
	for i := range head {
		c, ok := s.at(2 + i)
		if !ok {
			break
		}
		head[i] = c
	}
	var end int
	switch {
	case head[0] == '-' && head[1] == '-':
		end = s.findSeq("-->", 4)
		if end >= 0 {
			return end + 3, nil
		}
	case string(head[:7]) == "[CDATA[":
		end = s.findSeq("]]>", 9)
		if end >= 0 {
			return end + 3, nil
		}
	default:
		return s.directive(3)
	}
	return 0, s.failEOF()
}

func (s *scanner) push(prefix, local []byte) {
	at := len(s.names)
	s.names = append(s.names, prefix...)
	s.names = append(s.names, local...)
	s.open = append(s.open, openElem{at: at, local: at + len(prefix)})
}

// top returns the prefix and local name of the innermost open element.
func (s *scanner) top() (prefix, local []byte) {
	e := s.open[len(s.open)-1]
	return s.names[e.at:e.local], s.names[e.local:]
}

func (s *scanner) pop() {
	n := len(s.open) - 1
	s.names = s.names[:s.open[n].at]
	s.open = s.open[:n]
}

// depth is how many elements are open.
func (s *scanner) depth() int { return len(s.open) }
