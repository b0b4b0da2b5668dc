package fetch

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// answerBody wraps the body of one attempt's answer as the SDK reads it. It
// keeps the first and last bytes, so that once the SDK decoded the answer
// (and drained it to its end) whole can tell a complete XML or JSON
// document from an empty or truncated one without parsing it again; and,
// for a streamed output, it holds the attempt's context until the caller
// closes the body.
type answerBody struct {
	rc          io.ReadCloser
	status      int
	noBody      bool // HEAD, 204, 304: no body is expected
	contentType string

	mu      sync.Mutex
	head    []byte // the first headBytes bytes
	tail    [tailBytes]byte
	ntail   int // bytes of tail in use, at its end
	n       int64
	eof     bool  // read to a clean end
	readErr error // the read failed before the end
	closed  bool
	onClose func()
	ctx     context.Context // the call's
	actx    context.Context // the attempt's
}

const (
	headBytes = 512 // the prolog and the root element's start tag
	tailBytes = 256 // the root element's end tag and trailing space
)

func (b *answerBody) wrap(resp *smithyhttp.Response) {
	b.rc = resp.Body
	b.status = resp.StatusCode
	b.contentType = resp.Header.Get("Content-Type")
	b.noBody = resp.StatusCode == http.StatusNoContent || resp.StatusCode == http.StatusNotModified ||
		(resp.Request != nil && resp.Request.Method == http.MethodHead)
	resp.Body = b
}

func (b *answerBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n += int64(n)
	if len(b.head) < headBytes {
		b.head = append(b.head, p[:min(n, headBytes-len(b.head))]...)
	}
	b.keepTail(p[:n])
	switch {
	case err == io.EOF:
		b.eof = true
	case err != nil && b.readErr == nil:
		b.readErr = err
		// A stream read past the attempt's bound says so, not "context
		// deadline exceeded".
		if b.actx != nil && b.actx.Err() != nil && b.ctx.Err() == nil {
			err = fmt.Errorf("%w: %w", context.Cause(b.actx), err)
		}
	}
	return n, err
}

func (b *answerBody) keepTail(p []byte) {
	if len(p) >= tailBytes {
		b.ntail = copy(b.tail[:], p[len(p)-tailBytes:])
		return
	}
	keep := min(b.ntail, tailBytes-len(p))
	copy(b.tail[:], b.tail[b.ntail-keep:b.ntail])
	b.ntail = keep + copy(b.tail[keep:], p)
}

func (b *answerBody) Close() error {
	b.mu.Lock()
	b.closed = true
	onClose := b.onClose
	b.onClose = nil
	b.mu.Unlock()
	err := b.rc.Close()
	if onClose != nil {
		onClose()
	}
	return err
}

// streaming reports whether the SDK handed the body on unread: the
// deserializer closes every body but a streamed output's.
func (b *answerBody) streaming() bool {
	if b.rc == nil {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.closed
}

// cancelOnClose ends the attempt's context when the caller closes the
// streamed body.
func (b *answerBody) cancelOnClose(ctx, actx context.Context, cancel context.CancelFunc) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.ctx, b.actx, b.onClose = ctx, actx, cancel
}

func (b *answerBody) readError() error {
	if b.rc == nil {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.readErr == nil {
		return nil
	}
	return fmt.Errorf("the connection broke after %d bytes of the answer: %w", b.n, b.readErr)
}

// whole checks that a successful answer the SDK decoded is complete: not
// empty, read to its end, and its document closed (the XML root element's
// end tag, the JSON object's brace). The SDK's decoders take an empty body
// for an empty result and stop at the end of what they were given, so a
// cut answer would otherwise read as fewer resources.
func (b *answerBody) whole() error {
	if b.rc == nil || b.noBody || b.status < 200 || b.status > 299 {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	fail := func(format string, args ...any) error {
		return &IncompleteAnswerError{Status: b.status, Problem: fmt.Sprintf(format, args...)}
	}
	if b.readErr != nil {
		return fail("the connection broke after %d bytes of the answer: %v", b.n, b.readErr)
	}
	if !b.eof {
		return fail("the answer was not read to its end (%d bytes)", b.n)
	}
	if strings.HasPrefix(b.contentType, "text/html") {
		return fail("an HTML page (%s), not an AWS answer: something between awssql and AWS answered", b.contentType)
	}
	head := bytes.TrimLeft(b.head, " \t\r\n")
	tail := bytes.TrimRight(b.tail[:b.ntail], " \t\r\n")
	if len(head) == 0 {
		return fail("an empty body")
	}
	switch head[0] {
	case '<':
		root, selfClosed := xmlRoot(head)
		if root == "" {
			return fail("the body (%d bytes) does not begin with an XML element", b.n)
		}
		if selfClosed && bytes.HasSuffix(tail, []byte("/>")) {
			return nil
		}
		if !bytes.HasSuffix(tail, []byte("</"+root+">")) {
			return fail("the body (%d bytes) ends before </%s>: it was cut short", b.n, root)
		}
	case '{', '[':
		// A cut that happens to end with an inner brace is left to the
		// SDK's JSON decoder, which refuses any unterminated document; an
		// empty body it takes for an empty result, hence the check above.
		closing := map[byte]byte{'{': '}', '[': ']'}[head[0]]
		if len(tail) == 0 || tail[len(tail)-1] != closing {
			return fail("the JSON body (%d bytes) ends before its closing %c: it was cut short", b.n, closing)
		}
	default:
		return fail("the body (%d bytes) is neither XML nor JSON", b.n)
	}
	return nil
}

// xmlRoot returns the name of the root element from the start of an XML
// document, after its prolog, comments and doctype, and whether the start
// tag closes itself; "" when head holds no start tag.
func xmlRoot(head []byte) (string, bool) {
	rest := head
	for {
		rest = bytes.TrimLeft(rest, " \t\r\n")
		switch {
		case bytes.HasPrefix(rest, []byte("<?")):
			end := bytes.Index(rest, []byte("?>"))
			if end < 0 {
				return "", false
			}
			rest = rest[end+2:]
		case bytes.HasPrefix(rest, []byte("<!--")):
			end := bytes.Index(rest, []byte("-->"))
			if end < 0 {
				return "", false
			}
			rest = rest[end+3:]
		case bytes.HasPrefix(rest, []byte("<!")):
			end := bytes.IndexByte(rest, '>')
			if end < 0 {
				return "", false
			}
			rest = rest[end+1:]
		case bytes.HasPrefix(rest, []byte("<")):
			tag := rest[1:]
			end := bytes.IndexAny(tag, " \t\r\n/>")
			if end <= 0 {
				return "", false
			}
			gt := bytes.IndexByte(tag, '>')
			return string(tag[:end]), gt > 0 && tag[gt-1] == '/'
		default:
			return "", false
		}
	}
}
